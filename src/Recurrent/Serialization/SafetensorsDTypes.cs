using System.Numerics;

namespace Recurrent.Serialization;

/// <summary>The names and sizes of <see cref="SafetensorsDType"/> as the format spells them.</summary>
internal static class SafetensorsDTypes
{
    private static readonly (SafetensorsDType DType, string Name, int Size)[] Table =
    [
        (SafetensorsDType.F64, "F64", 8), (SafetensorsDType.F32, "F32", 4), (SafetensorsDType.F16, "F16", 2),
        (SafetensorsDType.BF16, "BF16", 2), (SafetensorsDType.I64, "I64", 8), (SafetensorsDType.U64, "U64", 8),
        (SafetensorsDType.I32, "I32", 4), (SafetensorsDType.U32, "U32", 4), (SafetensorsDType.I16, "I16", 2),
        (SafetensorsDType.U16, "U16", 2), (SafetensorsDType.I8, "I8", 1), (SafetensorsDType.U8, "U8", 1),
        (SafetensorsDType.Bool, "BOOL", 1), (SafetensorsDType.F8E4M3, "F8_E4M3", 1), (SafetensorsDType.F8E5M2, "F8_E5M2", 1),
    ];

    /// <summary>The header's spelling of <paramref name="dtype"/>.</summary>
    public static string Name(SafetensorsDType dtype) => Table[(int)dtype].Name;

    /// <summary>Bytes per element.</summary>
    public static int Size(SafetensorsDType dtype) => Table[(int)dtype].Size;

    /// <summary>The dtype the header spells <paramref name="name"/>, if it is one.</summary>
    public static bool TryParse(string name, out SafetensorsDType dtype)
    {
        foreach (var entry in Table)
        {
            if (entry.Name == name)
            {
                dtype = entry.DType;
                return true;
            }
        }
        dtype = default;
        return false;
    }

    /// <summary>The dtype Recurrent stores a <typeparamref name="T"/> tensor as.</summary>
    public static SafetensorsDType Of<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? SafetensorsDType.F32
        : typeof(T) == typeof(double) ? SafetensorsDType.F64
        : typeof(T) == typeof(Half) ? SafetensorsDType.F16
        : throw new ArgumentException($"Tensors of {typeof(T).Name} have no safetensors dtype here; expected float (F32), double (F64) or Half (F16).");
}
