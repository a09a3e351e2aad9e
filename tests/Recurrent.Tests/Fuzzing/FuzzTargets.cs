using Recurrent.Data;
using Recurrent.Data.Text;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Serialization;
using Recurrent.Tensors;

namespace Recurrent.Tests.Fuzzing;

/// <summary>
/// What the fuzzer runs each input through: every way Recurrent reads a file it did not write. A safetensors input
/// is read as a plain file (every tensor as float and as double), as a model (<c>Model.Load</c>), and as a trainer's
/// checkpoint being resumed (model, AdamW state, and the data sources' state); a corpus input as a character corpus,
/// with its own vocabulary and with a checkpoint's.
/// </summary>
public static class FuzzTargets
{
    private const string Name = "fuzz.safetensors";
    private static readonly CharVocabulary CheckpointVocabulary = CharVocabulary.FromText("abcd\n");

    /// <summary>Reads <paramref name="bytes"/> every way; an <see cref="InvalidDataException"/> from any loader is a pass.</summary>
    /// <param name="format">How the input is read.</param>
    /// <param name="bytes">The input.</param>
    public static void Run(FuzzFormat format, byte[] bytes)
    {
        if (format == FuzzFormat.Corpus)
        {
            Expect(() => CharCorpus.Parse(bytes, "fuzz.txt"));
            Expect(() => CharCorpus.Parse(bytes, "fuzz.txt", 0.5, CheckpointVocabulary));
            return;
        }
        Expect(() => ReadEveryTensor(bytes));
        Expect(() => Model.Read<float>(bytes, Name));
        Expect(() => Resume(bytes));
    }

    private static void Expect(Action load)
    {
        try
        {
            load();
        }
        catch (InvalidDataException e) when (e.Message.Length > 0 && !e.Message.Contains('\n', StringComparison.Ordinal))
        {
            // The loaders' own error: a one-line message. Anything else propagates to the fuzzer as a crash.
        }
    }

    private static void ReadEveryTensor(byte[] bytes)
    {
        var file = SafetensorsFile.Parse(bytes, Name);
        foreach (var entry in file.Entries)
        {
            Expect(() => file.Get<float>(entry.Name));
            Expect(() => file.Get<double>(entry.Name));
        }
    }

    /// <summary>What resuming a run reads from a checkpoint: the model, the optimizer's state, and each data source's state.</summary>
    private static void Resume(byte[] bytes)
    {
        var checkpoint = Checkpoint<float>.Parse(bytes, Name);
        if (checkpoint.Model is null) return;
        var model = Model.FromCheckpoint(checkpoint, Name);
        var optimizer = new AdamW<float>(model.NamedParameters());
        if (checkpoint.Optimizer is not null) checkpoint.Restore(model, optimizer);
        if (checkpoint.State is not { } state) return;
        var corpus = CharCorpus.FromText("abcd\nabca\ndcba\nabcdabcdabcd", vocabulary: CheckpointVocabulary);
        IResumable[] sources =
        [
            new SequenceData(new Tensor<float>(3, 2, 1), [0, 1, 0], batchSize: 2),
            new StreamBatcher(corpus, batchSize: 2, steps: 3),
            new RandomWindowBatcher(corpus, batchSize: 2, steps: 3, new Rng(1)),
            new StepSource(),
        ];
        foreach (var source in sources) Expect(() => source.LoadState(state));
    }
}
