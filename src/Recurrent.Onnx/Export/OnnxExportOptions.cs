namespace Recurrent.Onnx.Export;

/// <summary>The choices of an ONNX export: the opset, whether graphs take each sequence's length, the producer's name.</summary>
/// <remarks>
/// Opsets 14 to 23 are accepted (14 is the first whose <c>ReduceSum</c>, <c>Unsqueeze</c>, <c>Squeeze</c>, <c>Slice</c>
/// and <c>Scan</c> all have the forms the exporter writes; the graphs use no operator whose signature changes between
/// 14 and 23). The tests run every graph in ONNX Runtime at opsets 14, 17 and 21.
/// </remarks>
public sealed record OnnxExportOptions
{
    /// <summary>The smallest opset the exporter writes.</summary>
    public const int MinOpset = 14;

    /// <summary>The largest opset the exporter writes.</summary>
    public const int MaxOpset = 23;

    /// <summary>The default domain's opset. Default 17.</summary>
    public int Opset { get; init; } = 17;

    /// <summary>
    /// Whether sequence graphs take a <c>lengths</c> input (int32, one per sequence in [1, T]) so that a padded batch
    /// gives each sequence the result it gets alone; false: every sequence has all T steps. Default true.
    /// </summary>
    public bool VariableLengths { get; init; } = true;

    /// <summary>
    /// Whether a bare recurrent layer's graph takes its initial states (<c>h0</c>, <c>c0</c>, <c>y0</c>, each (L·D, B, size));
    /// false: it starts from zeros. Default true. Models take states where their runtime needs them (the char LM, decoders).
    /// </summary>
    public bool InitialStates { get; init; } = true;

    /// <summary>The <c>producer_name</c> recorded in the model. Default "Recurrent".</summary>
    public string ProducerName { get; init; } = "Recurrent";

    /// <summary>Checks every field; throws an <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        if (Opset is < MinOpset or > MaxOpset) throw new ArgumentException($"Opset is {Opset}; expected {MinOpset} to {MaxOpset}.");
        if (string.IsNullOrWhiteSpace(ProducerName)) throw new ArgumentException("ProducerName is empty; expected a name such as \"Recurrent\".");
    }

    /// <summary>The ONNX IR version that goes with the opset (what ONNX's own helper picks).</summary>
    internal long IrVersion => Opset switch { <= 14 => 7, <= 18 => 8, <= 20 => 9, <= 22 => 10, _ => 11 };
}
