using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Tensors;

namespace Recurrent.Tests.Oracles;

/// <summary>
/// One <c>onnx/</c> oracle case: ONNX <c>GRU</c> with <c>linear_before_reset = 0</c>, matched by the lecture-form
/// <see cref="GruCell{T}"/> after mapping the weights: ONNX blocks z, r, h become r, z, n, and the z block is negated,
/// because the lecture's z weighs h̃ where ONNX's weighs h (σ(−a) = 1 − σ(a)).
/// </summary>
public sealed class OnnxGruCase
{
    public required string File { get; init; }
    public required int Batch, Steps, Input, Hidden;
    public required Tensor<double> X, W, R, B, H0, Y, YH;

    public static OnnxGruCase Parse(OracleJson j)
    {
        if (j.String("config", "op") != "GRU") throw j.Bad($"unknown op '{j.String("config", "op")}'");
        if (j.Int("config", "linear_before_reset") != 0) throw j.Bad("only linear_before_reset = 0 is the lecture's GRU");
        if (j.Int("config", "layout") != 0 || j.String("config", "direction") != "forward") throw j.Bad("only layout 0, forward cases are described");
        if (j.String("config", "gate_order") != "z,r,h") throw j.Bad("gate_order must be z,r,h");
        int b = j.Int("config", "batch"), t = j.Int("config", "seq_len"), i = j.Int("config", "input_size"), h = j.Int("config", "hidden_size");
        return new OnnxGruCase
        {
            File = j.File, Batch = b, Steps = t, Input = i, Hidden = h,
            X = j.Tensor([t, b, i], "inputs", "X"),
            W = j.Tensor([1, 3 * h, i], "inputs", "W"),
            R = j.Tensor([1, 3 * h, h], "inputs", "R"),
            B = j.Tensor([1, 6 * h], "inputs", "B"),
            H0 = j.Tensor([1, b, h], "inputs", "initial_h"),
            Y = j.Tensor([t, 1, b, h], "outputs", "Y_f64"),
            YH = j.Tensor([1, b, h], "outputs", "Y_h_f64"),
        };
    }

    /// <summary>The lecture-form weights: ONNX block z → −z at position 1, r → position 0, h → position 2.</summary>
    public Dictionary<string, Tensor<double>> LectureWeights()
    {
        int h = Hidden;
        Tensor<double> Blocks(ReadOnlySpan<double> src, int rowLength)
        {
            int block = h * rowLength;
            var dst = new double[3 * block];
            src.Slice(block, block).CopyTo(dst.AsSpan(0, block));                  // r
            for (int k = 0; k < block; k++) dst[block + k] = -src[k];               // z_lecture = 1 − z_onnx
            src.Slice(2 * block, block).CopyTo(dst.AsSpan(2 * block, block));      // n = h̃
            return rowLength == 1 ? new Tensor<double>(dst, 3 * h) : new Tensor<double>(dst, 3 * h, rowLength);
        }
        return new()
        {
            ["weight_ih_l0"] = Blocks(W.Span, Input),
            ["weight_hh_l0"] = Blocks(R.Span, h),
            ["bias_ih_l0"] = Blocks(B.Span[..(3 * h)], 1),
            ["bias_hh_l0"] = Blocks(B.Span[(3 * h)..], 1),
        };
    }

    public List<string> Check<T>(double tolerance, Action<RecurrentLayer<T>>? configure = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var layer = new RecurrentLayer<T>(Input, new RecurrentSpec { Cell = CellKind.Gru, HiddenSize = Hidden, BatchFirst = false }, new Rng(0));
        configure?.Invoke(layer);
        layer.LoadStateDict(LectureWeights().ToDictionary(p => p.Key, p => p.Value.Convert<T>()));
        var result = layer.Forward(new Tape<T>(), new Variable<T>(X.Convert<T>()), [new Variable<T>(H0.Convert<T>())]);
        var failures = new List<string>();
        OracleCompare.Compare(File, "Y", Y.Reshape(Steps, Batch, Hidden), result.Output.Value, tolerance, failures);
        OracleCompare.Compare(File, "Y_h", YH, result.FinalState[0].Value, tolerance, failures);
        return failures;
    }
}
