using Recurrent.Autodiff;
using Recurrent.Layers;
using Recurrent.Tensors;

namespace Recurrent.Tests.Layers;

/// <summary>Streaming a sequence step by step through <c>RecurrentLayer.Step</c> must give what <c>Forward</c> gives for the whole of it.</summary>
internal static class StreamingAssert
{
    /// <summary>Every step's output and every final state tensor of <paramref name="x"/> <c>(B, T, I)</c>, to 5 decimals.</summary>
    public static void StepsEqualForward(RecurrentLayer<float> layer, Tensor<float> x)
    {
        int batch = x.Dim(0), steps = x.Dim(1), input = x.Dim(2);
        var whole = layer.Forward(new Tape<float>(), new Variable<float>(x));
        var state = layer.CreateState(batch);
        var xt = new float[batch * input];
        var yt = new float[batch * layer.OutputSize];
        for (int t = 0; t < steps; t++)
        {
            for (int b = 0; b < batch; b++) x.Span.Slice((b * steps + t) * input, input).CopyTo(xt.AsSpan(b * input));
            layer.Step(xt, state, yt);
            for (int b = 0; b < batch; b++)
            {
                for (int j = 0; j < layer.OutputSize; j++) Assert.Equal(whole.Output.Value[b, t, j], yt[b * layer.OutputSize + j], 5);
            }
        }
        for (int c = 0; c < state.Tensors.Count; c++)
        {
            var expected = whole.FinalState[c].Value.ToArray();
            var actual = state.Tensors[c].ToArray();
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
        }
    }
}
