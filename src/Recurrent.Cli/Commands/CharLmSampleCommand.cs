using Recurrent.Data.Text;
using System.CommandLine;
using Recurrent.Models;
using Recurrent.Tensors;
using Recurrent.Training;

namespace Recurrent.Cli.Commands;

/// <summary><c>recurrent charlm sample</c>: streams text from a trained character model, one character as soon as it is sampled.</summary>
internal static class CharLmSampleCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A checkpoint written by charlm train.", DefaultValueFactory = _ => Path.Combine(CharLmTrainCommand.DefaultOut, Trainer<TextBatch>.BestCheckpoint) };
        var prime = new Option<string>("--prime") { Description = "Text to start from (its characters must be in the model's vocabulary).", DefaultValueFactory = _ => "" };
        var length = new Option<int>("--length") { Description = "Characters to generate.", DefaultValueFactory = _ => 500 };
        var temperature = new Option<double>("--temperature") { Description = "Softmax temperature (0: always the likeliest character).", DefaultValueFactory = _ => 0.8 };
        var topK = new Option<int>("--top-k") { Description = "Sample among the k likeliest characters only (0: all).", DefaultValueFactory = _ => 0 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the sampling.", DefaultValueFactory = _ => 1UL };
        var int8 = CommonOptions.Int8();
        var command = new Command("sample", "Generate text from a trained character-level model.") { checkpoint, prime, length, temperature, topK, seed, int8 };
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            int n = Limits.Size(parse.GetValue(length), Limits.SampleLength, "--length");
            double t = Limits.NonNegative(parse.GetValue(temperature), 1e6, "--temperature");
            int k = parse.GetValue(topK);
            if (k < 0) throw new UsageException($"--top-k must be non-negative; got {k}.");
            var (model, vocabulary) = CharLmFiles.Load(parse.GetValue(checkpoint)!, int8: parse.GetValue(int8));
            string primeText = parse.GetValue(prime)!;
            var stream = new CharSampler(model, vocabulary).Generate(primeText, n, t, k, new Rng(parse.GetValue(seed)));
            using var stdout = Console.OpenStandardOutput();
            using var writer = new StreamWriter(stdout, new System.Text.UTF8Encoding(false)) { AutoFlush = true };
            writer.Write(primeText);
            foreach (char c in stream) writer.Write(c);
            writer.WriteLine();
            return 0;
        }));
        return command;
    }
}
