namespace Recurrent.PyTorch;

/// <summary>
/// The element types of the storages a state_dict may hold, named by their legacy storage classes
/// (<c>torch.FloatStorage</c>, …), which torch.save still writes into its pickle. The floating-point ones are read as
/// float; the integer ones are recognised (a BatchNorm's <c>num_batches_tracked</c> is an int64) so that the error names
/// the tensor rather than refusing the file's pickle.
/// </summary>
internal enum TorchDType
{
    Float32,
    Float64,
    Float16,
    BFloat16,
    Int64,
    Int32,
}

/// <summary>The storage classes by name, and the bytes of an element of each type.</summary>
internal static class TorchDTypes
{
    public static bool TryParseStorage(string name, out TorchDType dtype)
    {
        (bool ok, dtype) = name switch
        {
            "FloatStorage" => (true, TorchDType.Float32),
            "DoubleStorage" => (true, TorchDType.Float64),
            "HalfStorage" => (true, TorchDType.Float16),
            "BFloat16Storage" => (true, TorchDType.BFloat16),
            "LongStorage" => (true, TorchDType.Int64),
            "IntStorage" => (true, TorchDType.Int32),
            _ => (false, TorchDType.Float32),
        };
        return ok;
    }

    public static int Size(TorchDType dtype) => dtype switch
    {
        TorchDType.Float64 or TorchDType.Int64 => 8,
        TorchDType.Float32 or TorchDType.Int32 => 4,
        _ => 2,
    };

    public static string Name(TorchDType dtype) => dtype switch
    {
        TorchDType.Float32 => "float32",
        TorchDType.Float64 => "float64",
        TorchDType.Float16 => "float16",
        TorchDType.BFloat16 => "bfloat16",
        TorchDType.Int64 => "int64",
        _ => "int32",
    };

    public static bool IsFloatingPoint(TorchDType dtype) => dtype is TorchDType.Float32 or TorchDType.Float64 or TorchDType.Float16 or TorchDType.BFloat16;
}
