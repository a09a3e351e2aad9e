using System.Runtime.InteropServices;
using Google.Protobuf;
using Recurrent.Cells;
using Recurrent.Onnx.Proto;
using DataType = Recurrent.Onnx.Proto.TensorProto.Types.DataType;

namespace Recurrent.Onnx.Export;

/// <summary>
/// A one-layer, forward LSTM as ONNX Runtime's contrib operator <c>com.microsoft.DynamicQuantizeLSTM</c>, from int8
/// weights quantized elsewhere (Recurrent's <c>Quantize()</c>), so that ONNX Runtime's int8 LSTM and Recurrent's run the
/// same int8 weights: for the benchmark (<c>bench/Recurrent.OnnxBench rnn --int8</c>) and the agreement test. Not an
/// export format: internal, and the graph needs ONNX Runtime.
/// </summary>
/// <remarks>
/// The operator (ONNX Runtime's ContribOperators.md; its quantizer, <c>quantization/operators/lstm.py</c>): inputs X
/// <c>(T, B, I)</c> float; W int8 <c>(D, I, 4H)</c> and R int8 <c>(D, H, 4H)</c>, the ONNX LSTM's weights transposed; B
/// <c>(D, 8H)</c>; sequence_lens, initial_h, initial_c, P (empty here); W_scale and R_scale <c>(D, 4H)</c> (per output
/// channel); W_zero_point and R_zero_point int8 <c>(D, 4H)</c>, zero (symmetric weights). Gates in ONNX order i, o, f, c
/// (<see cref="OnnxGateLayout"/>): channel rows and their scales move together, so the int8 values are unchanged. The
/// activations ONNX Runtime quantizes itself, to uint8 per tensor (one range for all B rows of a step), where
/// Recurrent quantizes per row: the two differ by about one activation step, not more. Output Y <c>(T, 1, B, H)</c>.
/// </remarks>
internal static class DynamicQuantizeLstmGraph
{
    /// <summary>The graph's model bytes.</summary>
    /// <param name="input">I.</param>
    /// <param name="hidden">H.</param>
    /// <param name="wih">Q of W_ih, row-major <c>(4H, I)</c>, gates i, f, g, o.</param>
    /// <param name="wihScales">Its 4H scales.</param>
    /// <param name="whh">Q of W_hh, <c>(4H, H)</c>.</param>
    /// <param name="whhScales">Its 4H scales.</param>
    /// <param name="bias">b_ih + b_hh, <c>(4H)</c>.</param>
    /// <returns>An ONNX model with input <c>x</c> <c>(T, B, I)</c> and output <c>y</c> <c>(T, 1, B, H)</c>.</returns>
    public static byte[] Build(int input, int hidden, ReadOnlySpan<sbyte> wih, ReadOnlySpan<float> wihScales, ReadOnlySpan<sbyte> whh, ReadOnlySpan<float> whhScales, ReadOnlySpan<float> bias)
    {
        int g4 = 4 * hidden;
        var graph = new GraphProto { Name = "dynamic_quantize_lstm" };
        graph.Input.Add(OnnxGraphBuilder.ValueInfo("x", DataType.Float, ["T", "B", input]));
        graph.Output.Add(OnnxGraphBuilder.ValueInfo("y", DataType.Float, ["T", 1, "B", hidden]));
        graph.Initializer.Add(Int8("W", Transposed(wih, hidden, input), 1, input, g4));
        graph.Initializer.Add(Int8("R", Transposed(whh, hidden, hidden), 1, hidden, g4));
        var b = new float[2 * g4];
        OnnxGateLayout.ToOnnx(CellKind.Lstm, bias, hidden, 1, b.AsSpan(0, g4)); // b_ih + b_hh in Wb, Rb zero
        graph.Initializer.Add(Float("B", b, 1, 2 * g4));
        var ws = new float[g4];
        var rs = new float[g4];
        OnnxGateLayout.ToOnnx(CellKind.Lstm, wihScales[..g4], hidden, 1, ws);
        OnnxGateLayout.ToOnnx(CellKind.Lstm, whhScales[..g4], hidden, 1, rs);
        graph.Initializer.Add(Float("W_scale", ws, 1, g4));
        graph.Initializer.Add(Float("R_scale", rs, 1, g4));
        graph.Initializer.Add(Int8("W_zero_point", new sbyte[g4], 1, g4));
        graph.Initializer.Add(Int8("R_zero_point", new sbyte[g4], 1, g4));
        var node = new NodeProto { OpType = "DynamicQuantizeLSTM", Domain = "com.microsoft", Name = "lstm_int8" };
        node.Input.AddRange(["x", "W", "R", "B", "", "", "", "", "W_scale", "W_zero_point", "R_scale", "R_zero_point"]);
        node.Output.Add("y");
        node.Attribute.Add(OnnxAttribute.Int("hidden_size", hidden));
        node.Attribute.Add(OnnxAttribute.String("direction", "forward"));
        graph.Node.Add(node);
        var model = new ModelProto { IrVersion = 8, ProducerName = "Recurrent", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
        return model.ToByteArray();
    }

    /// <summary>Q <c>(4H, K)</c> in gates i, f, g, o → ONNX order i, o, f, c, transposed to <c>(K, 4H)</c>.</summary>
    private static sbyte[] Transposed(ReadOnlySpan<sbyte> q, int hidden, int columns)
    {
        ReadOnlySpan<int> blocks = [0, 3, 1, 2];
        int g4 = 4 * hidden;
        var t = new sbyte[columns * g4];
        for (int k = 0; k < 4; k++)
        {
            for (int j = 0; j < hidden; j++)
            {
                int from = (blocks[k] * hidden + j) * columns, to = k * hidden + j;
                for (int c = 0; c < columns; c++) t[c * g4 + to] = q[from + c];
            }
        }
        return t;
    }

    private static TensorProto Int8(string name, sbyte[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Int8, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    private static TensorProto Float(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }
}
