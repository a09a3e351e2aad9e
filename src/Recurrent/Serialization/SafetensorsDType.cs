namespace Recurrent.Serialization;

/// <summary>
/// The element types a safetensors header names (<c>"dtype"</c>), all little-endian. Recurrent writes
/// <see cref="F32"/> and <see cref="F64"/> and reads the four floating-point types into float or double; the others are
/// recognised so that a file holding them (an <c>I64</c> step counter, a <c>BOOL</c> mask) still opens.
/// </summary>
public enum SafetensorsDType
{
    /// <summary>IEEE 754 binary64.</summary>
    F64,

    /// <summary>IEEE 754 binary32.</summary>
    F32,

    /// <summary>IEEE 754 binary16.</summary>
    F16,

    /// <summary>bfloat16: the top 16 bits of a binary32.</summary>
    BF16,

    /// <summary>Signed 64-bit integer.</summary>
    I64,

    /// <summary>Unsigned 64-bit integer.</summary>
    U64,

    /// <summary>Signed 32-bit integer.</summary>
    I32,

    /// <summary>Unsigned 32-bit integer.</summary>
    U32,

    /// <summary>Signed 16-bit integer.</summary>
    I16,

    /// <summary>Unsigned 16-bit integer.</summary>
    U16,

    /// <summary>Signed 8-bit integer.</summary>
    I8,

    /// <summary>Unsigned 8-bit integer.</summary>
    U8,

    /// <summary>Boolean, one byte.</summary>
    Bool,

    /// <summary>8-bit float, 4 exponent bits and 3 mantissa bits.</summary>
    F8E4M3,

    /// <summary>8-bit float, 5 exponent bits and 2 mantissa bits.</summary>
    F8E5M2,
}
