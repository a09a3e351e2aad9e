using DataType = Recurrent.Onnx.Proto.TensorProto.Types.DataType;

namespace Recurrent.Onnx.Export;

/// <summary>
/// The valid steps of a padded batch as graph values, built once per graph from the <c>lengths</c> input (int32, B)
/// and a time-major tensor (T, B, …): <c>valid[t, b] = t &lt; lengths[b]</c>. Null <see cref="Lengths"/> means every
/// sequence has all T steps (the graph was exported without variable lengths).
/// </summary>
internal sealed class SequenceMask
{
    private readonly OnnxGraphBuilder _g;
    private readonly string _timeMajor;
    private string? _steps, _lengths64, _valid, _validFloat;

    /// <summary>The mask of <paramref name="timeMajor"/>'s steps, from <paramref name="lengths"/> (int32 (B)) or none.</summary>
    public SequenceMask(OnnxGraphBuilder g, string timeMajor, string? lengths)
    {
        _g = g;
        _timeMajor = timeMajor;
        Lengths = lengths;
    }

    /// <summary>The int32 (B) lengths input, or null.</summary>
    public string? Lengths { get; }

    /// <summary>The lengths as int64 (B).</summary>
    public string Lengths64 => _lengths64 ??= _g.Cast(Lengths!, DataType.Int64);

    /// <summary>0 … T−1 as int64 (T, 1).</summary>
    public string Steps
    {
        get
        {
            if (_steps is not null) return _steps;
            string t = _g.Squeeze(_g.Slice(_g.Shape(_timeMajor), 0, 0, 1), 0);
            string range = _g.Op("Range", [_g.Int64Scalar("zero", 0), t, _g.Int64Scalar("one", 1)]);
            return _steps = _g.Unsqueeze(range, 1);
        }
    }

    /// <summary>valid[t, b] as bool (T, B, 1).</summary>
    public string Valid => _valid ??= _g.Unsqueeze(_g.Op("Less", [Steps, _g.Unsqueeze(Lengths64, 0)]), 2);

    /// <summary>valid[t, b] as float 0/1 (T, B, 1).</summary>
    public string ValidFloat => _validFloat ??= _g.Cast(Valid, DataType.Float);

    /// <summary>1 at each sequence's last valid step, else 0, float (T, B, 1).</summary>
    public string LastStep()
    {
        string last = _g.Sub(_g.Unsqueeze(Lengths64, 0), _g.Int64s("one_1d", [1]));
        return _g.Cast(_g.Unsqueeze(_g.Op("Equal", [Steps, last]), 2), DataType.Float);
    }
}
