using System.Text;
using Recurrent.Cells;
using Recurrent.Data;
using Recurrent.Data.Text;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Optimizers;
using Recurrent.Serialization;
using Recurrent.Tensors;

namespace Recurrent.Tests.Fuzzing;

/// <summary>What a fuzz input is read as: a safetensors model or checkpoint file, or a text corpus.</summary>
public enum FuzzFormat
{
    /// <summary>A safetensors file: a plain one, a model file or a trainer's checkpoint.</summary>
    Safetensors,

    /// <summary>A UTF-8 text corpus.</summary>
    Corpus,
}

/// <summary>One valid file the fuzzer starts from, built in memory.</summary>
/// <param name="Name">What it is, for reports.</param>
/// <param name="Format">How it is read.</param>
/// <param name="Bytes">The file.</param>
public sealed record FuzzSeed(string Name, FuzzFormat Format, byte[] Bytes);

/// <summary>
/// The valid files mutated by <see cref="LoaderFuzzer"/>: a small model of every kind saved as <c>model.Save</c> writes
/// it, a trainer-style checkpoint with AdamW state, step counts, random states and data-source state, a plain
/// safetensors file with F64, F32 and F16 tensors and a scalar, and text corpora (ASCII, multi-byte UTF-8, with a BOM).
/// </summary>
public static class FuzzSeeds
{
    /// <summary>Every seed, in a fixed order.</summary>
    public static IReadOnlyList<FuzzSeed> All { get; } = Build();

    private static List<FuzzSeed> Build()
    {
        var vocabulary = CharVocabulary.FromText("abcd\n");
        var rnn = new RecurrentSpec { Cell = CellKind.Gru, HiddenSize = 3 };
        Module<float>[] models =
        [
            new CharLanguageModel<float>(new CharModelConfig(5, 2, new RecurrentSpec { HiddenSize = 3 }), new Rng(1), vocabulary),
            new SequenceClassifier<float>(new SequenceClassifierConfig(3, 2, rnn), new Rng(2)),
            new SequenceTagger<float>(new SequenceTaggerConfig(3, 2, new RecurrentSpec { Cell = CellKind.Elman, HiddenSize = 3, Layers = 2 }), new Rng(3)),
            new SequenceGenerator<float>(new SequenceGeneratorConfig(3, 4, rnn, EmbeddingSize: 2, FeatureEncoderSize: 2), new Rng(4)),
            new Seq2Seq<float>(new Seq2SeqConfig(4, 0, 4, rnn, EmbeddingSize: 2), new Rng(5)),
            new Sequential<float>(new SequentialConfig(3, 2, [new RecurrentSpec { Cell = CellKind.Jordan, HiddenSize = 3, CellOutputSize = 2, Bidirectional = true }]), new Rng(6)),
        ];
        var seeds = new List<FuzzSeed>();
        foreach (var model in models) seeds.Add(new(model.Describe()!.Kind, FuzzFormat.Safetensors, ModelFile.Create(model).ToArray()));
        seeds.Add(new("trainer-checkpoint", FuzzFormat.Safetensors, TrainerCheckpoint(models[0])));
        seeds.Add(new("plain-safetensors", FuzzFormat.Safetensors, PlainSafetensors()));
        seeds.Add(new("corpus-ascii", FuzzFormat.Corpus, Encoding.UTF8.GetBytes("abcd\nabca\ndcba\n".PadRight(64, 'b'))));
        seeds.Add(new("corpus-utf8-bom", FuzzFormat.Corpus, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("Grüße, 世界! 𝄞 ok\r\nzz")]));
        return seeds;
    }

    /// <summary>A checkpoint as a trainer writes one: weights, AdamW state after a step, counters, RNG and data state.</summary>
    private static byte[] TrainerCheckpoint(Module<float> model)
    {
        var optimizer = new AdamW<float>(model.NamedParameters());
        foreach (var (_, p) in optimizer.Parameters) p.GradForAccumulation().Span.Fill(0.25f);
        optimizer.Step();
        var state = new TrainingState();
        state.Set("epoch", 1);
        state.Set("examples", 40);
        state.Set("steps_in_pass", 3);
        state.Set("since_best", 0);
        state.Values["wall_s"] = "1.5";
        state.Values["best_val_loss"] = "2.25";
        state.Set("data.next", 1);
        state.Values["data.order"] = "2 0 1";
        state.Set("data.shuffle", new Rng(9));
        state.Set("data.windows", new Rng(10));
        state.Set("data.stream_position", 5);
        state.Set("data.pass_ended", 0);
        state.Set("data.step", 7);
        state.Tensors["data.carry0"] = Tensor.Uniform<float>(new Rng(11), -1, 1, 1, 2, 3);
        var checkpoint = new Checkpoint<float>(model.StateDict(), optimizer.StateDict()) { Model = model.Describe(), Step = 1, State = state };
        checkpoint.RngStates["dropout"] = new Rng(12).State;
        checkpoint.Metadata["epoch"] = "1";
        return checkpoint.ToArray();
    }

    private static byte[] PlainSafetensors()
    {
        var writer = new SafetensorsWriter();
        writer.Add("a", Tensor.Uniform<double>(new Rng(1), -1, 1, 2, 3));
        writer.Add("b", Tensor.Uniform<float>(new Rng(2), -1, 1, 4));
        writer.Add("c", Tensor.Uniform<Half>(new Rng(3), -1, 1, 3, 1));
        writer.Add("empty", new Tensor<float>(0, 5));
        writer.Add("scalar", new Tensor<float>());
        writer.Metadata["note"] = "plain";
        return writer.ToArray();
    }
}
