using Recurrent.Cells;
using Recurrent.Data.Text;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Serialization;
using Recurrent.Tensors;
using Recurrent.Training;

namespace Recurrent.Tests.Serialization;

/// <summary>Model files: one self-describing format for every model, and one-line errors for files that are not right.</summary>
public class ModelFileTests
{
    private static SequenceClassifier<float> Classifier() =>
        new(new SequenceClassifierConfig(3, 2, new RecurrentSpec { Cell = CellKind.Gru, HiddenSize = 4 }), new Rng(1));

    [Fact]
    public void EveryModelKindLoadsBackAsItself()
    {
        using var folder = new TemporaryFolder();
        var vocabulary = CharVocabulary.FromText("abcd");
        Module<float>[] models =
        [
            new CharLanguageModel<float>(new CharModelConfig(4, 3, new RecurrentSpec { HiddenSize = 5 }), new Rng(1), vocabulary),
            Classifier(),
            new SequenceTagger<float>(new SequenceTaggerConfig(3, 2, new RecurrentSpec { HiddenSize = 4 }), new Rng(2)),
            new SequenceGenerator<float>(new SequenceGeneratorConfig(3, 5, new RecurrentSpec { HiddenSize = 4 }, EmbeddingSize: 4, FeatureEncoderSize: 4), new Rng(3)),
            new Seq2Seq<float>(new Seq2SeqConfig(5, 0, 5, new RecurrentSpec { HiddenSize = 4 }, EmbeddingSize: 4), new Rng(4)),
            new Sequential<float>(new SequentialConfig(3, 2, [new RecurrentSpec { HiddenSize = 4 }]), new Rng(5)),
        ];
        Assert.Equal(Model.Kinds.Count, models.Length);
        foreach (var model in models)
        {
            string path = folder.File(model.Describe()!.Kind + ".safetensors");
            model.Save(path);
            var loaded = Model.Load(path);
            Assert.IsType(model.GetType(), loaded);
            Assert.Equal(model.Describe()!.Config, loaded.Describe()!.Config);
            foreach (var ((name, a), (_, b)) in model.NamedParameters().Zip(loaded.NamedParameters())) Assert.Equal(a.Value.ToArray(), b.Value.ToArray());
        }
        Assert.Equal(vocabulary, Model.Load<CharLanguageModel<float>>(folder.File("char-lm.safetensors")).Vocabulary);
    }

    [Fact]
    public void ANewerFormatIsRejectedNamingTheFileAndTheVersion()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("future.safetensors");
        var writer = new SafetensorsWriter();
        writer.Add("head.weight", new Tensor<float>(2, 2));
        writer.Metadata["format"] = "recurrent";
        writer.Metadata["format_version"] = "3";
        writer.Save(path);
        var e = Assert.Throws<InvalidDataException>(() => Model.Load(path));
        Assert.Contains("future.safetensors", e.Message);
        Assert.Contains("format version 3 is newer than this Recurrent reads (2)", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void ADamagedFileIsRejectedNamingTheFile()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        Classifier().Save(path);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => Model.Load(path));
        Assert.Contains("model.safetensors", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void AnUnknownKindAndABadConfigurationAreNamed()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("odd.safetensors");
        new Checkpoint<float>(Classifier().StateDict()) { Model = new ModelDescription("transformer", "{}") }.Save(path);
        var e = Assert.Throws<InvalidDataException>(() => Model.Load(path));
        Assert.Contains("odd.safetensors: model kind 'transformer' is not one this Recurrent reads", e.Message);

        new Checkpoint<float>(Classifier().StateDict()) { Model = new ModelDescription(SequenceClassifier<float>.Kind, """{"InputSize":0,"Outputs":2,"Encoder":{}}""") }.Save(path);
        e = Assert.Throws<InvalidDataException>(() => Model.Load(path));
        Assert.Contains("odd.safetensors: model_config does not describe a valid sequence-classifier", e.Message);
    }

    [Fact]
    public void FilesCarryNoLocalPath()
    {
        using var folder = new TemporaryFolder();
        string corpusPath = folder.File("my-corpus.txt");
        File.WriteAllText(corpusPath, string.Concat(Enumerable.Repeat("a shared model file names no local path. ", 40)));
        var corpus = CharCorpus.Load(corpusPath);
        var model = new CharLanguageModel<float>(new CharModelConfig(corpus.Vocabulary.Count, 4, new RecurrentSpec { HiddenSize = 8 }), new Rng(1), corpus.Vocabulary);
        var trainer = new Trainer<TextBatch>(model, model.Loss, new TrainerOptions { Steps = 3, CheckpointDirectory = folder.Path });
        trainer.Fit(new RandomWindowBatcher(corpus, 2, 8, new Rng(2)), new ValidationWindowBatcher(corpus, 4, 8));
        foreach (string file in new[] { Trainer<TextBatch>.LastCheckpoint, Trainer<TextBatch>.BestCheckpoint })
        {
            var metadata = SafetensorsFile.Read(folder.File(file)).Metadata;
            Assert.DoesNotContain(metadata, m => m.Value.Contains(folder.Path, StringComparison.Ordinal) || m.Value.Contains("my-corpus", StringComparison.Ordinal));
        }
    }
}
