using System.CommandLine;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Serialization;

namespace Recurrent.Cli.Commands;

/// <summary>
/// <c>recurrent import --pytorch FILE --arch "emb:Embedding, rnn:LSTM, fc:Linear" --out model.safetensors</c>: a model
/// trained elsewhere as a Recurrent model file, which <c>Model.Load</c> reads (and <c>recurrent predict/evaluate</c>,
/// given the data schema a training run records). Prints what it built: layers, sizes, parameter count.
/// </summary>
/// <remarks>
/// Each source format is one <see cref="ImportSource"/>: an option naming the file, its own options, and a function
/// that builds the module; exactly one source option must be given. A new format adds a source to <see cref="Sources"/>.
/// </remarks>
internal static class ImportCommand
{
    /// <summary>The formats <c>import</c> reads.</summary>
    private static ImportSource[] Sources() => [ImportPyTorch.Create(), ImportOnnx.Create()];

    public static Command Create()
    {
        var sources = Sources();
        var output = new Option<string>("--out") { Description = "The Recurrent model file to write (*.safetensors).", Required = true };
        var command = new Command("import", "Import a model trained elsewhere (a PyTorch state_dict, or an ONNX graph) as a Recurrent model file.") { output };
        foreach (var source in sources)
        {
            command.Options.Add(source.File);
            foreach (var option in source.Options) command.Options.Add(option);
        }
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            var given = sources.Where(s => parse.GetValue(s.File) is not null).ToList();
            string choices = string.Join(" or ", sources.Select(s => $"{s.File.Name} FILE"));
            if (given.Count != 1) throw new UsageException($"give exactly one of {choices}; got {(given.Count == 0 ? "none" : string.Join(" and ", given.Select(s => s.File.Name)))}.");
            var source = given[0];
            string path = parse.GetValue(source.File)!, outPath = parse.GetValue(output)!;
            if (!File.Exists(path)) throw new UsageException($"{source.File.Name}: '{path}' does not exist.");
            if (Directory.Exists(outPath)) throw new UsageException($"--out: '{outPath}' is a directory; expected a file.");
            var module = CommonOptions.ReadInput(source.File.Name, path, () => source.Build(parse, path));
            module.Save(outPath); // written to a temporary file and renamed
            Report(module, path, outPath);
            return 0;
        }));
        return command;
    }

    /// <summary>The layers, their sizes and the parameter count, as the user checks them against the original.</summary>
    private static void Report(Module<float> module, string from, string to)
    {
        Console.WriteLine($"{from} → {to}: a {module.Describe()?.Kind} model, {module.ParameterCount:N0} parameters.");
        foreach (var (name, child) in module.Children)
        {
            string what = child switch
            {
                Embedding<float> e => $"Embedding {Tensors.Tensor<float>.ShapeText(e.NamedParameters()[0].Parameter.Shape)} (V, E)",
                RecurrentLayer<float> r => $"{r.Kind} I = {r.InputSize}, H = {r.HiddenSize}, {r.Spec.Layers} layer{(r.Spec.Layers > 1 ? "s" : "")}{(r.Directions == 2 ? ", bidirectional" : "")}{(r.Kind == Cells.CellKind.Elman ? $", {r.Spec.Nonlinearity}" : "")}",
                Linear<float> l => $"Linear {l.InputSize} → {l.OutputSize}",
                _ => child.GetType().Name,
            };
            Console.WriteLine($"  {name,-10} {what}  ({child.ParameterCount:N0} parameters)");
        }
        if (module is not Sequential<float> s) return;
        Console.WriteLine($"  pooling    {s.Config.Pooling}");
        if (s.Config.Pooling == SequencePooling.LastStep && s.Recurrent[^1].Directions == 2)
        {
            // Recurrent's last-step pooling of a bidirectional layer is not PyTorch's out[:, -1].
            Console.WriteLine("  note: 'last' of a bidirectional layer takes the reverse direction at step 0 (after it has read the whole sequence), where out[:, -1] takes it after one step.");
        }
    }
}
