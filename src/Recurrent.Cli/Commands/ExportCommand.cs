using System.CommandLine;
using Recurrent.Models;
using Recurrent.Onnx.Export;

namespace Recurrent.Cli.Commands;

/// <summary>
/// <c>recurrent export --model FILE --out model.onnx [--opset N]</c>: writes any model file <c>Model.Load</c> reads as
/// ONNX (one graph, or <c>name.encoder.onnx</c> + <c>name.decoder.onnx</c> for Seq2Seq and SequenceGenerator) and prints
/// each written file with its graph inputs and outputs. docs/ONNX.md is the contract of the graphs.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A model file (from 'recurrent train', 'charlm train' or ModuleFiles.Save).", Required = true };
        var output = new Option<string>("--out") { Description = "The ONNX file to write; two-graph models write NAME.encoder.onnx and NAME.decoder.onnx beside it.", Required = true };
        var opset = new Option<int>("--opset")
        {
            Description = $"The ONNX opset, {OnnxExportOptions.MinOpset} to {OnnxExportOptions.MaxOpset}.",
            DefaultValueFactory = _ => new OnnxExportOptions().Opset,
        };
        var fixedLength = new Option<bool>("--no-lengths") { Description = "Leave out the lengths input: every sequence of a batch has all its steps." };
        var command = new Command("export", "Export a model to ONNX, to run it with ONNX Runtime or any ONNX runtime.") { model, output, opset, fixedLength };
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            string modelPath = parse.GetValue(model)!, outPath = parse.GetValue(output)!;
            int version = parse.GetValue(opset);
            if (version is < OnnxExportOptions.MinOpset or > OnnxExportOptions.MaxOpset)
            {
                throw new UsageException($"--opset is {version}; expected {OnnxExportOptions.MinOpset} to {OnnxExportOptions.MaxOpset}.");
            }
            var module = CommonOptions.ReadInput("--model", modelPath, () => Model.Load(modelPath));
            var options = new OnnxExportOptions { Opset = version, VariableLengths = !parse.GetValue(fixedLength) };
            var export = OnnxExporter.Export(module, options);
            var paths = export.Save(outPath);
            for (int i = 0; i < paths.Count; i++)
            {
                var graph = export.Graphs[i];
                Console.WriteLine($"wrote {paths[i]} ({graph.Name}, opset {graph.Opset})");
                var signature = graph.Signature;
                for (int j = 0; j < signature.Count; j++) Console.WriteLine($"  {(j < graph.Inputs.Count ? "input " : "output")}  {signature[j]}");
            }
            return 0;
        }));
        return command;
    }
}
