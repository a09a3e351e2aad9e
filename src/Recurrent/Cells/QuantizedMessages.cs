namespace Recurrent.Cells;

/// <summary>The one-line errors of int8 inference, shared by the layers, the models and the command line's tests.</summary>
internal static class QuantizedMessages
{
    /// <summary>Training, backward or a training forward on a quantized model.</summary>
    public const string Training = "this model is quantized to int8 for inference; train the float model and call Quantize() again.";

    /// <summary>A cell kind int8 inference does not cover.</summary>
    /// <param name="kind">The cell's kind.</param>
    /// <returns>The message.</returns>
    public static string Unsupported(CellKind kind) =>
        $"int8 inference covers LSTM layers only; this model has a {kind} layer (run it in float32, without Quantize() or --int8).";
}
