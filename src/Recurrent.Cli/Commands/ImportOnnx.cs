using System.CommandLine;
using Recurrent.Layers;
using Recurrent.Onnx.Import;

namespace Recurrent.Cli.Commands;

/// <summary>
/// <c>recurrent import --onnx FILE</c>: an ONNX graph of <c>LSTM</c>/<c>GRU</c>/<c>RNN</c> nodes, from
/// <c>torch.onnx.export</c> or from <c>recurrent export</c>, with an embedding and a linear head around them or not.
/// The graph says everything (sizes, cells, pooling), so this source takes no options of its own.
/// </summary>
internal static class ImportOnnx
{
    public static ImportSource Create()
    {
        var file = new Option<string?>("--onnx") { Description = "An ONNX model of LSTM/GRU/RNN nodes (torch.onnx.export or recurrent export), optionally with an embedding (Gather) and a linear head." };
        return new ImportSource(file, [], (_, path) =>
        {
            var module = OnnxImporter.Import(path);
            // A bare layer has no kind for Model.Load; its file holds weights for a layer built in code.
            if (module is RecurrentLayer<float> layer)
            {
                throw new UsageException($"{Path.GetFileName(path)} holds a bare recurrent layer ({layer.Kind}, H = {layer.HiddenSize}) without an embedding or a head, which a model file cannot describe; load it in C# with OnnxImporter.Import.");
            }
            return module;
        });
    }
}
