using System.Buffers.Binary;
using System.Text;
using Recurrent.Data;
using Recurrent.Data.Text;
using Recurrent.Models;
using Recurrent.Serialization;
using Recurrent.Tensors;
using Recurrent.Tests.Fuzzing;

namespace Recurrent.Tests.Serialization;

/// <summary>
/// The inputs with which <see cref="LoaderFuzzer"/> broke a loader, minimised, each now rejected with the loader's own
/// one-line <see cref="InvalidDataException"/> and within <see cref="LoaderFuzzer.AllocationBound"/>. Each states the
/// exception it used to raise.
/// </summary>
public class FuzzRegressionTests
{
    private const string Name = "fuzz.safetensors";

    /// <summary>A model file with no tensors: the 8-byte length, then <paramref name="metadata"/> as the header's __metadata__.</summary>
    private static byte[] ModelFileWithoutWeights(string kind, string config) =>
        Safetensors("{\"__metadata__\":{\"format\":\"recurrent\",\"format_version\":\"2\",\"model\":" + Quote(kind) + ",\"model_config\":" + Quote(config) + "}}");

    private static byte[] Safetensors(string header)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        return bytes;
    }

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private static InvalidDataException Rejects(Action load, byte[] bytes, string expected)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(load);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.True(allocated <= LoaderFuzzer.AllocationBound(bytes.Length), $"allocated {allocated} bytes for {bytes.Length}");
        return e;
    }

    [Theory]
    // Was InvalidOperationException ("Cannot transcode invalid UTF-8 JSON text"): JsonDocument checks syntax, not the
    // UTF-8 of strings, until a name or value is read. A byte 0xFF in a tensor name, a metadata value, a dtype:
    [InlineData("0E00000000000000" + "7B22FF223A7B7D7D202020202020")]                   // {"\xFF":{}}
    [InlineData("1A00000000000000" + "7B225F5F6D657461646174615F5F223A7B2261223A22FF227D7D")] // {"__metadata__":{"a":"\xFF"}}
    [InlineData("1300000000000000" + "7B2261223A7B226474797065223A22C0227D7D")]          // {"a":{"dtype":"\xC0"}}
    public void AHeaderThatIsNotUtf8IsRejected(string hex)
    {
        byte[] bytes = Convert.FromHexString(hex);
        Rejects(() => SafetensorsFile.Parse(bytes, Name), bytes, "fuzz.safetensors: the header is not UTF-8: invalid byte 0x");
        Rejects(() => Model.Read<float>(bytes, Name), bytes, "the header is not UTF-8");
    }

    [Fact]
    public void AModelConfigWith2To31LayersIsRejected()
    {
        // Was OutOfMemoryException ("Array dimensions exceeded supported range") in the RecurrentLayer constructor.
        byte[] bytes = ModelFileWithoutWeights("sequential",
            """{"InputSize":3,"Outputs":2,"Recurrent":[{"Cell":"Gru","HiddenSize":3,"Layers":2147483647,"Bidirectional":true}]}""");
        Rejects(() => Model.Read<float>(bytes, Name), bytes, "model_config describes a sequential larger than the 0 weights the file holds");
    }

    [Fact]
    public void AModelConfigWithManyLayersAllocatesNothingBeforeItIsRejected()
    {
        // Was a 3.8 MB allocation for a 1.5 KB file (65,536 layers of cells built before the weights were compared).
        byte[] bytes = ModelFileWithoutWeights("sequence-tagger",
            """{"InputSize":3,"Classes":2,"Encoder":{"Cell":"Elman","HiddenSize":3,"Layers":65536}}""");
        Rejects(() => Model.Read<float>(bytes, Name), bytes, "larger than the 0 weights the file holds");
    }

    [Theory]
    // A hidden size of 10⁶ is an LSTM of 4·10¹² weights: 16 TB, once an OutOfMemoryException or a machine swapping.
    [InlineData("char-lm", """{"VocabularySize":5,"EmbeddingSize":2,"Rnn":{"Cell":"Lstm","HiddenSize":1000000}}""")]
    [InlineData("sequence-classifier", """{"InputSize":10000,"Outputs":2,"Encoder":{"Cell":"Gru","HiddenSize":10000}}""")] // 1.2 GB
    [InlineData("sequential", """{"InputSize":3,"Outputs":2,"Recurrent":[{"Cell":"Elman","HiddenSize":3,"Layers":1000}]}""")]
    public void AModelConfigClaimingHugeSizesIsRejectedBeforeAllocating(string kind, string config)
    {
        byte[] bytes = ModelFileWithoutWeights(kind, config);
        Rejects(() => Model.Read<float>(bytes, Name), bytes, "larger than the 0 weights the file holds");
    }

    [Theory]
    // Was accepted: System.Text.Json reads an enum from an integer, and 7 is no pooling (Sequential silently kept all steps).
    [InlineData("sequential", """{"InputSize":3,"Outputs":2,"Recurrent":[{"Cell":"Gru","HiddenSize":3}],"Pooling":7}""", "Pooling is 7")]
    [InlineData("sequence-classifier", """{"InputSize":3,"Outputs":2,"Encoder":{"Cell":"Gru","HiddenSize":3},"Pooling":-1}""", "Pooling is -1")]
    [InlineData("sequence-generator", """{"FeatureSize":3,"Vocabulary":4,"Decoder":{"Cell":"Gru","HiddenSize":3},"Conditioning":9,"EmbeddingSize":2}""", "Conditioning is 9")]
    public void AModelConfigWithAnUndefinedEnumValueIsRejected(string kind, string config, string expected)
    {
        byte[] bytes = ModelFileWithoutWeights(kind, config);
        Rejects(() => Model.Read<float>(bytes, Name), bytes, expected);
    }

    [Theory]
    // Was FormatException from int.Parse ("The input string 'xu' was not in a correct format") in SequenceData.LoadState.
    [InlineData("2 0 xu", "1", "'data.order' entry 2 is 'xu'")]
    [InlineData("2 0 3", "1", "'data.order' entry 2 is '3'")]     // was IndexOutOfRangeException at the next batch
    [InlineData("1 1 0", "1", "'data.order' entry 1 is '1'")]     // not a permutation: a sequence read twice per pass
    [InlineData("-1 0 1", "1", "'data.order' entry 0 is '-1'")]
    [InlineData("2 0 1", "4", "'data.next' is 4")]
    [InlineData("2 0 1", "-1", "'data.next' is -1")]
    public void ASequenceDataStateThatIsNotAPositionInAPermutationIsRejected(string order, string next, string expected)
    {
        var data = new SequenceData(new Tensor<float>(3, 2, 1), [0, 1, 0], batchSize: 2);
        var state = new TrainingState();
        state.Values["data.order"] = order;
        state.Values["data.next"] = next;
        state.Set("data.shuffle", new Rng(1));
        var e = Assert.Throws<InvalidDataException>(() => data.LoadState(state));
        Assert.Contains(expected, e.Message);
        Assert.True(data.TryNext(out _)); // the failed load changed nothing
    }

    [Theory]
    // Was ArgumentOutOfRangeException from the Position setter: GetInt64 reads "-1" as an integer.
    [InlineData("-1", null, "'data.stream_position' is -1")]
    // Was accepted, failing only at the first batch: a carried state with the wrong number of streams.
    [InlineData("5", new[] { 2, 3 }, "'data.carry0' is (2, 3); expected (L·D, B = 2, H)")]
    [InlineData("5", new[] { 1, 5, 3 }, "'data.carry0' is (1, 5, 3)")]
    public void AStreamBatcherStateWithANegativePositionOrAForeignCarryIsRejected(string position, int[]? carry, string expected)
    {
        var corpus = CharCorpus.FromText("abcd\nabca\ndcba\nabcdabcdabcd");
        var batcher = new StreamBatcher(corpus, batchSize: 2, steps: 3);
        var state = new TrainingState();
        state.Values["data.stream_position"] = position;
        state.Set("data.pass_ended", 0);
        if (carry is not null) state.Tensors["data.carry0"] = new Tensor<float>(carry);
        var e = Assert.Throws<InvalidDataException>(() => batcher.LoadState(state));
        Assert.Contains(expected, e.Message);
        Assert.Equal(0, batcher.Position);
    }

    [Fact]
    public void AStageOfASequentialThatIsNullIsRejected()
    {
        // Was NullReferenceException in SequentialConfig.Validate (model_config "Recurrent":[null]).
        byte[] bytes = ModelFileWithoutWeights("sequential", """{"InputSize":3,"Outputs":2,"Recurrent":[null]}""");
        Rejects(() => Model.Read<float>(bytes, Name), bytes, "Recurrent stage 0 is null");
    }

    [Theory]
    // Were InvalidDataExceptions whose message broke over two lines, quoting a line break from the file.
    [InlineData("model", "c\\nar-lm", "model kind 'c ar-lm' is not one")]
    [InlineData("format", "re\\nurrent", "metadata 'format' is 're urrent'")]
    [InlineData("step", "\\r\\n", "metadata 'step' is ' '")]
    public void AMessageQuotingALineBreakFromTheFileStaysOneLine(string key, string jsonValue, string expected)
    {
        string metadata = key == "format"
            ? "{\"format\":\"" + jsonValue + "\"}"
            : "{\"format\":\"recurrent\",\"format_version\":\"2\",\"model_config\":\"{}\",\"" + key + "\":\"" + jsonValue + "\"}";
        byte[] bytes = Safetensors("{\"__metadata__\":" + metadata + "}");
        Rejects(() => Model.Read<float>(bytes, Name), bytes, expected);
    }
}
