using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Tensors;

namespace Recurrent.Models;

/// <summary>
/// Post-training dynamic quantization to int8 for inference, PyTorch's <c>torch.ao.quantization.quantize_dynamic</c>:
/// <c>model.Quantize()</c> returns a quantized copy and leaves the model as it was.
/// </summary>
/// <remarks>
/// <para>
/// In the copy, every recurrent layer runs int8: its weights W_ih and W_hh quantized once per output channel
/// (symmetric int8, one scale per row), its inputs and hidden states quantized per step and per sequence (uint8 with a
/// zero point), the products summed in int32 through AVX-VNNI (or AVX2) and rescaled to float; the biases, the gate
/// maths, embeddings and the Linear head stay float32. The copy is in evaluation mode and infers only:
/// <see cref="Module{T}.Train"/>, <c>Fit</c> and backward through a quantized layer fail with one line.
/// </para>
/// <para>
/// Saving the copy writes the float32 weights it was quantized from (they are kept beside the int8 ones), so the file
/// is an ordinary model file: load it and call <c>Quantize()</c> again, which gives the same int8 weights (quantization
/// is deterministic). LSTM layers only: a model with a GRU or Elman layer is refused with one line.
/// </para>
/// </remarks>
public static class ModelQuantization
{
    /// <summary>A copy of <paramref name="model"/> whose recurrent layers run int8, in evaluation mode; the model is untouched.</summary>
    /// <typeparam name="TModel">The model's type, which the copy has too.</typeparam>
    /// <param name="model">A float32 model of the library (one with a description) or a <see cref="RecurrentLayer{T}"/> of LSTM cells.</param>
    /// <returns>The quantized copy.</returns>
    /// <exception cref="NotSupportedException">The model has a layer other than LSTM, or cannot be copied.</exception>
    public static TModel Quantize<TModel>(this TModel model) where TModel : Module<float>
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.IsQuantized) throw new InvalidOperationException("this model is already quantized to int8; call Quantize() on the float model.");
        foreach (var layer in RecurrentLayers(model))
        {
            if (layer.Kind != CellKind.Lstm) throw new NotSupportedException(QuantizedMessages.Unsupported(layer.Kind));
        }
        var copy = Copy(model);
        copy.Eval();
        foreach (var layer in RecurrentLayers(copy)) layer.QuantizeInPlace();
        MarkQuantized(copy);
        return copy;
    }

    /// <summary>The int8 product path this processor runs, for reports: AVX-VNNI, the AVX2 fallback or the scalar reference.</summary>
    public static string KernelName => Kernels.Int8Gemm.KernelName;

    private static TModel Copy<TModel>(TModel model) where TModel : Module<float>
    {
        Module<float> copy;
        if (model.Describe() is { } description) copy = Model.Create<float>(description, "the model");
        else if (model is RecurrentLayer<float> layer) copy = new RecurrentLayer<float>(layer.InputSize, layer.Spec, new Rng(0));
        else throw new NotSupportedException($"{model.GetType().Name.Split('`')[0]} cannot be quantized: Quantize() copies a library model through its description (Describe()), and this module has none.");
        copy.LoadStateDict(model.StateDict());
        return (TModel)copy;
    }

    private static IEnumerable<RecurrentLayer<float>> RecurrentLayers(Module<float> module)
    {
        if (module is RecurrentLayer<float> layer) yield return layer;
        foreach (var (_, child) in module.Children)
        {
            foreach (var inner in RecurrentLayers(child)) yield return inner;
        }
    }

    private static void MarkQuantized(Module<float> module)
    {
        module.IsQuantized = true;
        foreach (var (_, child) in module.Children) MarkQuantized(child);
    }
}
