using System.CommandLine;

namespace Recurrent.Cli.Commands;

/// <summary>
/// <c>recurrent charlm train</c>: trains the lecture's character-level language model, on the built-in corpus
/// (Recurrent's own C# sources) or a text file whose end is held out for validation, with a live progress line,
/// samples at each validation, metrics as JSON lines, loss plots, and the best and last checkpoints
/// (<see cref="CharLmTraining"/>, which <c>train lm</c> shares).
/// </summary>
internal static class CharLmTrainCommand
{
    public const string DefaultOut = "runs/charlm";

    public static Command Create() =>
        new CharLmTraining(new CorpusOptions(), DefaultOut, best => $"Sample with: recurrent charlm sample --checkpoint {best}")
            .Create("train", "Train a character-level language model (Karpathy 2015) and keep its best checkpoint.");

    /// <summary><c>--corpus</c> (default: the built-in corpus) and <c>--val-fraction</c>, the share of its end held out.</summary>
    private sealed class CorpusOptions : ICharLmTextOptions
    {
        private readonly Option<string?> _corpus = new("--corpus") { Description = "UTF-8 text file to train on (default: the built-in corpus, Recurrent's own C# sources)." };
        private readonly Option<double> _valFraction = new("--val-fraction") { Description = "Share of the corpus (its end) held out for validation.", DefaultValueFactory = _ => 0.1 };

        public string DataName => "--corpus";

        public IReadOnlyList<Option> Data => [_corpus];

        public IReadOnlyList<Option> Split => [_valFraction];

        public CharLmRun Configure(ParseResult parse, CharLmRun run)
        {
            double fraction = parse.GetValue(_valFraction);
            if (!(fraction > 0 && fraction < 1)) throw new UsageException($"--val-fraction must be in (0, 1); got {fraction}.");
            return run with { Corpus = parse.GetValue(_corpus), ValidationFraction = fraction };
        }

        public string? DataOnResume(ParseResult parse) => parse.GetValue(_corpus);
    }
}
