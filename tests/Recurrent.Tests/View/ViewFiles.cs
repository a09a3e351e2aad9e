using Recurrent.Cells;
using Recurrent.Data.Text;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Serialization;
using Recurrent.Tensors;

namespace Recurrent.Tests.View;

/// <summary>
/// A runs folder for the view's tests, in a temporary directory deleted on dispose: run <c>lm</c> (metrics, options,
/// samples, a 2-layer LSTM char-LM of H = 9 as best.safetensors), run <c>nested/gru</c> (a GRU char-LM), run <c>broken</c>
/// (a metrics.jsonl of garbage and a damaged run.json) and <c>damaged.safetensors</c> (not a model file).
/// </summary>
internal sealed class ViewFiles : IDisposable
{
    public const string Vocabulary = "\n !\"'(),.:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public ViewFiles()
    {
        Root = Path.Combine(Path.GetTempPath(), "recurrent-view-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(Root, "lm"));
        Directory.CreateDirectory(Path.Combine(Root, "nested", "gru"));
        Directory.CreateDirectory(Path.Combine(Root, "broken"));
        File.WriteAllText(Path.Combine(Root, "lm", "metrics.jsonl"),
            """
            {"wall_s":1.5,"step":10,"epoch":0,"examples":640,"train_loss":3.9,"val_loss":3.7,"lr":0.002}
            {"wall_s":3.0,"step":20,"epoch":0,"examples":1280,"train_loss":3.1,"val_loss":3.0,"lr":0.002}
            {"wall_s":4.5,"step":30,"epoch":0,"examples":1920,"train_loss":2.6,"val_loss":2.7,"lr":0.002}

            """.ReplaceLineEndings("\n"));
        File.WriteAllText(Path.Combine(Root, "lm", "run.json"), """{ "Corpus": "tiny.txt", "ValidationFraction": 0.1, "Batch": 4 }""");
        File.WriteAllText(Path.Combine(Root, "lm", "samples.jsonl"), "{\"step\":10,\"wall_s\":1.5,\"val_loss\":3.7,\"text\":\"Hello\\nthere\"}\n");
        File.WriteAllText(Path.Combine(Root, "nested", "gru", "metrics.jsonl"),
            "{\"wall_s\":1,\"step\":5,\"train_loss\":4.0,\"val_loss\":null}\nnot json at all\n{\"wall_s\":2,\"step\":10,\"train_loss\":3.5,\"val_loss\":3.6}\n{\"wall_s\":3,\"st");
        File.WriteAllText(Path.Combine(Root, "broken", "metrics.jsonl"), "garbage\n\u0000\u0001 more garbage\n");
        File.WriteAllText(Path.Combine(Root, "broken", "run.json"), "{ not json");
        File.WriteAllBytes(Path.Combine(Root, "damaged.safetensors"), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
        Lstm = Create(CellKind.Lstm, 9, 2, 3);
        Lstm.Save(Path.Combine(Root, "lm", "best.safetensors"));
        Gru = Create(CellKind.Gru, 8, 1, 4);
        Gru.Save(Path.Combine(Root, "nested", "gru", "best.safetensors"));
    }

    public string Root { get; }

    /// <summary>The model saved as <c>lm/best.safetensors</c>.</summary>
    public CharLanguageModel<float> Lstm { get; }

    /// <summary>The model saved as <c>nested/gru/best.safetensors</c>.</summary>
    public CharLanguageModel<float> Gru { get; }

    public static CharLanguageModel<float> Create(CellKind cell, int hidden, int layers, ulong seed)
    {
        var vocabulary = CharVocabulary.FromSymbols(Vocabulary);
        var config = new CharModelConfig(vocabulary.Count, 6, new RecurrentSpec { Cell = cell, HiddenSize = hidden, Layers = layers });
        var model = new CharLanguageModel<float>(config, new Rng(seed), vocabulary);
        // Larger weights than the initialisation's, so that units and predictions differ visibly between characters.
        foreach (var p in model.Parameters()) System.Numerics.Tensors.TensorPrimitives.Multiply(p.Value.Span, 3f, p.Value.Span);
        return model;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
