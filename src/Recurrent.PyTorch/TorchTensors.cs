using System.Buffers.Binary;
using Recurrent.Tensors;

namespace Recurrent.PyTorch;

/// <summary>
/// Reads a tensor view of a storage (<see cref="TorchTensorRef"/>) into a dense, row-major float tensor, honouring its
/// storage offset and strides: element [i₀, …, i_{n−1}] is storage element <c>offset + Σ_k i_k·stride[k]</c>.
/// </summary>
/// <remarks>
/// A contiguous tensor has strides (∏_{j&gt;k} size_j)_k; a transposed weight saved as a view has them swapped, and a
/// slice starts at a non-zero offset. Every element's index is checked against the storage before anything is read,
/// so a corrupt view raises an error instead of reading past its bytes.
/// </remarks>
internal static class TorchTensors
{
    /// <summary>The tensor named <paramref name="name"/> as float.</summary>
    /// <param name="view">The view.</param>
    /// <param name="name">Its state_dict key, for messages.</param>
    /// <param name="source">The file, for messages.</param>
    /// <returns>A new dense tensor of shape <see cref="TorchTensorRef.Size"/>.</returns>
    public static Tensor<float> ToFloat(TorchTensorRef view, string name, string source)
    {
        var storage = view.Storage;
        if (!TorchDTypes.IsFloatingPoint(storage.DType))
        {
            throw new InvalidDataException($"{source}: tensor '{name}' holds {TorchDTypes.Name(storage.DType)}; only floating-point tensors (float32, float64, float16, bfloat16) are weights Recurrent can import.");
        }
        long count = 1, last = view.Offset; // last: the largest storage index the view reads
        try
        {
            for (int k = 0; k < view.Size.Length; k++)
            {
                count *= view.Size[k];
                if (count > Array.MaxLength) throw new InvalidDataException($"{source}: tensor '{name}' has shape {Tensor<float>.ShapeText(view.Size)}, too large to import.");
                if (view.Size[k] > 0) last = checked(last + (view.Size[k] - 1) * view.Stride[k]);
            }
        }
        catch (OverflowException)
        {
            last = long.MaxValue; // beyond any storage: refused below
        }
        if (count > 0 && last >= storage.Count)
        {
            throw new InvalidDataException($"{source}: tensor '{name}' of shape {Tensor<float>.ShapeText(view.Size)} (offset {view.Offset}, strides {Tensor<float>.ShapeText(view.Stride.Select(s => (int)Math.Min(s, int.MaxValue)).ToArray())}) reads element {last} of a storage of {storage.Count}.");
        }

        var values = new float[count];
        var index = new int[view.Size.Length]; // the multi-index [i₀, …], advanced like an odometer, last axis fastest
        long at = view.Offset;
        for (long i = 0; i < count; i++)
        {
            values[i] = Element(storage, at);
            for (int k = index.Length - 1; k >= 0; k--)
            {
                at += view.Stride[k];
                if (++index[k] < view.Size[k]) break;
                at -= view.Stride[k] * view.Size[k];
                index[k] = 0;
            }
        }
        return new Tensor<float>(values, view.Size);
    }

    private static float Element(TorchStorage storage, long i)
    {
        var bytes = storage.Bytes.AsSpan();
        return storage.DType switch
        {
            TorchDType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(bytes[(int)(i * 4)..]),
            TorchDType.Float64 => (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(int)(i * 8)..]),
            TorchDType.Float16 => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(int)(i * 2)..]),
            // bfloat16 is the upper half of a binary32: widening is a shift.
            _ => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(int)(i * 2)..]) << 16),
        };
    }
}
