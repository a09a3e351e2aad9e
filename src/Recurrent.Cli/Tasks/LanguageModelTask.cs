using System.CommandLine;
using System.Globalization;
using Recurrent.Cli.Commands;
using Recurrent.Data.Text;
using Recurrent.Models;
using Recurrent.Tensors;

namespace Recurrent.Cli.Tasks;

/// <summary>
/// The <c>lm</c> task: a character-level language model (<see cref="CharLanguageModel{T}"/>, Karpathy 2015) trained on
/// a plain UTF-8 text, scored in nats and bits per character, and continuing a text by sampling.
/// </summary>
internal static class LanguageModelTask
{
    public const string DefaultOut = "runs/lm";

    /// <summary>
    /// <c>recurrent train lm</c>: <c>charlm train</c>'s model and training options, names and defaults, and its run
    /// (<see cref="CharLmTraining"/>), on <c>--data</c>, validated on <c>--valid</c> or the end of <c>--data</c>.
    /// </summary>
    public static Command CreateTrain() =>
        new CharLmTraining(new DataOptions(), DefaultOut, best => $"Continue a text with: recurrent predict --model {best} --text \"…\"")
            .Create("lm", "Train a character-level language model (Karpathy 2015) on a UTF-8 text and keep its best checkpoint.");

    /// <summary>
    /// Scores a char-LM model file on every character of <paramref name="dataPath"/> after the first, both as the
    /// training's validation does (zero-state windows of <paramref name="window"/>) and with the state carried through
    /// the whole text (as char-rnn evaluates), and prints both, or one JSON line.
    /// </summary>
    public static int Evaluate(string modelPath, string dataPath, bool json, int window = 64, bool int8 = false)
    {
        const int batch = 64;
        Limits.Size(window, Limits.Window, "--window");
        var (model, vocabulary) = CharLmFiles.Load(modelPath, "--model", int8);
        var c = model.Config;
        double parameters = model.ParameterCount;
        Limits.Memory(Limits.TrainingBytes(parameters, c.Rnn.Cell, batch, window, c.EmbeddingSize, c.Rnn.HiddenSize, c.Rnn.Layers, c.VocabularySize) - 12 * parameters,
            $"Scoring {batch} × --window {window} with this model (H = {c.Rnn.HiddenSize}, {c.Rnn.Layers} layers)");
        var ids = ReadText(dataPath, vocabulary).Ids.Span;
        var windows = model.ScoreWindows(ids, window, batch);
        var carried = model.ScoreCarried(ids);
        if (json)
        {
            Console.WriteLine(Bench.JsonLine.Format(("task", "lm"), ("symbols", windows.Symbols),
                ("nats_per_symbol", Math.Round(windows.NatsPerSymbol, 6)), ("bits_per_symbol", Math.Round(windows.BitsPerSymbol, 6)),
                ("nats_per_symbol_carried", Math.Round(carried.NatsPerSymbol, 6)), ("bits_per_symbol_carried", Math.Round(carried.BitsPerSymbol, 6))));
        }
        else
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{dataPath}: windows (zero state, T={window}) {windows.NatsPerSymbol:F4} nats/char, {windows.BitsPerSymbol:F4} bits/char; carried state {carried.NatsPerSymbol:F4} nats/char, {carried.BitsPerSymbol:F4} bits/char; over {windows.Symbols} predicted characters"));
        }
        return 0;
    }

    /// <summary>
    /// Prints <paramref name="text"/> and its continuation: <paramref name="length"/> characters sampled one at a time
    /// from a char-LM model file (<see cref="CharSampler"/>), each written as soon as it is drawn.
    /// </summary>
    public static int Predict(string modelPath, string text, int length, double temperature, ulong seed, bool int8 = false)
    {
        Limits.Size(length, Limits.SampleLength, "--length");
        Limits.NonNegative(temperature, 1e6, "--temperature");
        var (model, vocabulary) = CharLmFiles.Load(modelPath, "--model", int8);
        IEnumerable<char> stream;
        try
        {
            stream = new CharSampler(model, vocabulary).Generate(text, length, temperature, 0, new Rng(seed));
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--text: {e.Message}"); // a character the model has no id for, named with its position
        }
        using var stdout = Console.OpenStandardOutput();
        using var writer = new StreamWriter(stdout, new System.Text.UTF8Encoding(false)) { AutoFlush = true };
        writer.Write(text);
        foreach (char c in stream) writer.Write(c);
        writer.WriteLine();
        return 0;
    }

    /// <summary>A text to score, in a model's vocabulary: a character outside it is named with its file, line and column.</summary>
    private static CharCorpus ReadText(string path, CharVocabulary vocabulary)
    {
        CharCorpus text;
        try
        {
            text = CommonOptions.ReadInput("--data", path, () => CharCorpus.Load(path, 0, vocabulary));
        }
        catch (InvalidDataException e) when (e.InnerException is ArgumentException)
        {
            throw new InvalidDataException($"--data: {e.Message} The vocabulary is the model's.", e);
        }
        if (text.Length < 2) throw new InvalidDataException($"--data: {path} has {text.Length} character; scoring needs at least 2 (one predicted from the other).");
        return text;
    }

    /// <summary><c>--data</c>, and <c>--valid</c> or <c>--valid-fraction</c> (the share of its end held out).</summary>
    private sealed class DataOptions : ICharLmTextOptions
    {
        private readonly Option<string?> _data = new("--data") { Description = "UTF-8 text to train on (required; a resumed run reads its own unless given)." };
        private readonly Option<string?> _valid = new("--valid") { Description = "UTF-8 text to validate on, in the characters of --data (default: the end of --data)." };
        private readonly Option<double> _validFraction = new("--valid-fraction") { Description = "Without --valid: the share of --data (its end) held out for validation.", DefaultValueFactory = _ => 0.1 };

        public string DataName => "--data";

        public IReadOnlyList<Option> Data => [_data];

        public IReadOnlyList<Option> Split => [_valid, _validFraction];

        public CharLmRun Configure(ParseResult parse, CharLmRun run)
        {
            string data = parse.GetValue(_data) ?? throw new UsageException("--data is required: the UTF-8 text to train on.");
            if (parse.GetValue(_valid) is { } valid)
            {
                if (parse.GetResult(_validFraction) is { Implicit: false }) throw new UsageException("--valid-fraction conflicts with --valid: the validation text is either the end of --data or --valid.");
                return run with { Corpus = data, ValidationFraction = 0, Validation = valid };
            }
            double fraction = parse.GetValue(_validFraction);
            if (!(fraction > 0 && fraction < 1)) throw new UsageException($"--valid-fraction must be in (0, 1); got {fraction}.");
            return run with { Corpus = data, ValidationFraction = fraction };
        }

        public string? DataOnResume(ParseResult parse) => parse.GetValue(_data);
    }
}
