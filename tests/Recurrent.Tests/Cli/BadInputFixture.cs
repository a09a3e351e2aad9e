using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Recurrent.Layers;
using Recurrent.Serialization;
using Recurrent.Models;
using Recurrent.Tensors;
using Recurrent.Tests.Serialization;

namespace Recurrent.Tests.Cli;

/// <summary>
/// What the bad-input corpus (<see cref="BadInputCorpusTests"/>) mutates, made once per test class: a small corpus,
/// an earlier <c>charlm train</c> run (a real one, two steps of a tiny model) and a saved model of another kind.
/// </summary>
public sealed class BadInputFixture : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public BadInputFixture()
    {
        Corpus = _folder.File("corpus.txt");
        var text = new StringBuilder();
        for (int i = 0; i < 400; i++) text.Append("abcab ca").Append(i % 7 == 0 ? '\n' : ' ');
        File.WriteAllText(Corpus, text.ToString(), new UTF8Encoding(false));

        Run = _folder.File("tiny");
        var result = CliProcess.Run(_folder.Path, "charlm", "train", "--corpus", Corpus, "--steps", "2", "--hidden", "8", "--embed", "4",
            "--layers", "1", "--batch", "2", "--window", "8", "--sample-length", "0", "--out", Run);
        Assert.True(result.ExitCode == 0, $"training the tiny model failed: {result.Stderr}");
        Model = File.ReadAllBytes(Path.Combine(Run, "best.safetensors"));

        var classifier = new SequenceClassifier<float>(new SequenceClassifierConfig(InputSize: 3, Outputs: 2, new RecurrentSpec { HiddenSize = 4 }), new Rng(1));
        string other = _folder.File("classifier.safetensors");
        classifier.Save(other);
        Classifier = File.ReadAllBytes(other);
    }

    /// <summary>A UTF-8 corpus of the characters "abc", space and newline, 3,600 characters long.</summary>
    public string Corpus { get; }

    /// <summary>The folder of the earlier run: run.json, best and last checkpoints, metrics, plots.</summary>
    public string Run { get; }

    /// <summary>The bytes of the run's best checkpoint: a valid char-LM model file with optimizer state.</summary>
    public byte[] Model { get; }

    /// <summary>The bytes of a saved <see cref="SequenceClassifier{T}"/>.</summary>
    public byte[] Classifier { get; }

    /// <summary>The 8-byte header length of <see cref="Model"/>.</summary>
    public int HeaderLength => (int)BinaryPrimitives.ReadUInt64LittleEndian(Model);

    /// <summary><see cref="Model"/> with its JSON header changed by <paramref name="change"/> (the data stays as it was).</summary>
    public byte[] WithHeader(Action<JsonObject> change)
    {
        var header = JsonNode.Parse(Model.AsSpan(8, HeaderLength))!.AsObject();
        change(header);
        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString());
        return Assemble(json, Model.AsSpan(8 + HeaderLength));
    }

    /// <summary><see cref="Model"/> with the metadata string <paramref name="key"/> set (or removed when null).</summary>
    public byte[] WithMetadata(string key, string? value) => WithHeader(h =>
    {
        var metadata = h["__metadata__"]!.AsObject();
        if (value is null) metadata.Remove(key);
        else metadata[key] = value;
    });

    /// <summary><see cref="Model"/> with its model_config JSON changed by <paramref name="change"/>.</summary>
    public byte[] WithConfig(Action<JsonObject> change) => WithHeader(h =>
    {
        var metadata = h["__metadata__"]!.AsObject();
        var config = JsonNode.Parse((string)metadata["model_config"]!)!.AsObject();
        change(config);
        metadata["model_config"] = config.ToJsonString();
    });

    /// <summary><see cref="Model"/> with element <paramref name="index"/> of float32 tensor <paramref name="tensor"/> set to <paramref name="value"/>.</summary>
    public byte[] WithValue(string tensor, int index, float value)
    {
        byte[] bytes = (byte[])Model.Clone();
        var header = JsonNode.Parse(Model.AsSpan(8, HeaderLength))!.AsObject();
        long begin = (long)header[tensor]!["data_offsets"]![0]!;
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(8 + HeaderLength + (int)begin + 4 * index), value);
        return bytes;
    }

    /// <summary>A safetensors file from its header JSON and data.</summary>
    public static byte[] Assemble(ReadOnlySpan<byte> json, ReadOnlySpan<byte> data)
    {
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes.AsSpan(8));
        data.CopyTo(bytes.AsSpan(8 + json.Length));
        return bytes;
    }

    public void Dispose() => _folder.Dispose();
}
