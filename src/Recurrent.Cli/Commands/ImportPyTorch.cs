using System.CommandLine;
using Recurrent.Models;
using Recurrent.PyTorch;

namespace Recurrent.Cli.Commands;

/// <summary>
/// <c>recurrent import --pytorch FILE --arch "…" [--pooling all|last|mean] [--charlm]</c>: a PyTorch state_dict
/// (torch.save archive or safetensors) with the module tree it does not record.
/// </summary>
internal static class ImportPyTorch
{
    public static ImportSource Create()
    {
        var file = new Option<string?>("--pytorch") { Description = "A PyTorch state_dict: torch.save(model.state_dict(), FILE) or safetensors (read without running pickle code)." };
        var arch = new Option<string?>("--arch") { Description = "--pytorch: the model's submodules in forward order, name:Class, e.g. \"emb:Embedding, rnn:LSTM, fc:Linear\" (Embedding, LSTM, GRU, RNN, RNN(relu), Linear)." };
        var pooling = new Option<string>("--pooling")
        {
            Description = "--pytorch: what the Linear reads: all (fc(out), every step), last (fc(out[:, -1])) or mean (fc(out.mean(1))).",
            DefaultValueFactory = _ => "all",
        };
        pooling.AcceptOnlyFromAmong("all", "last", "mean");
        var charlm = new Option<bool>("--charlm") { Description = "--pytorch: build a character language model (Embedding, one RNN, Linear back to the vocabulary) for 'recurrent charlm'." };
        return new ImportSource(file, [arch, pooling, charlm], (parse, path) =>
        {
            string text = parse.GetValue(arch) ?? throw new UsageException("--pytorch needs --arch: a state_dict names its tensors but not the modules' classes or order, e.g. --arch \"emb:Embedding, rnn:LSTM, fc:Linear\".");
            var architecture = PyTorchArchitecture.Parse(text);
            var weights = PyTorchStateDict.Read(path);
            if (parse.GetValue(charlm)) return PyTorchImporter.ToCharLanguageModel(weights, architecture);
            var mode = parse.GetValue(pooling) switch
            {
                "last" => SequencePooling.LastStep,
                "mean" => SequencePooling.Mean,
                _ => SequencePooling.AllSteps,
            };
            return PyTorchImporter.ToSequential(weights, architecture, new PyTorchImportOptions(mode));
        });
    }
}
