using Recurrent.Data.Text;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Serialization;
using Recurrent.Tensors;

namespace Recurrent.Tests.Models;

public class CharSamplerTests
{
    private static (CharLanguageModel<float>, CharVocabulary) Model()
    {
        var vocabulary = CharVocabulary.FromText("abcdefgh \n");
        return (new CharLanguageModel<float>(new CharModelConfig(vocabulary.Count, 4, new RecurrentSpec { HiddenSize = 16, Layers = 2 }), new Rng(3)), vocabulary);
    }

    [Fact]
    public void SamplesAreDeterministicAndInTheVocabulary()
    {
        var (model, vocabulary) = Model();
        var sampler = new CharSampler(model, vocabulary);
        string a = string.Concat(sampler.Generate("abc", 50, 0.8, 5, new Rng(7)));
        string b = string.Concat(sampler.Generate("abc", 50, 0.8, 5, new Rng(7)));
        Assert.Equal(50, a.Length);
        Assert.Equal(a, b);
        Assert.All(a, c => Assert.True(vocabulary.Contains(c)));
        string greedy = string.Concat(sampler.Generate("", 20, 0, 0, new Rng(1)));
        Assert.Equal(greedy, string.Concat(sampler.Generate("", 20, 0, 0, new Rng(2))));
    }

    [Fact]
    public void TopOneIsGreedy()
    {
        var (model, vocabulary) = Model();
        var sampler = new CharSampler(model, vocabulary);
        Assert.Equal(string.Concat(sampler.Generate("ab", 30, 0, 0, new Rng(1))), string.Concat(sampler.Generate("ab", 30, 1.5, 1, new Rng(9))));
    }

    [Fact]
    public void APrimeOutsideTheVocabularyIsRejected()
    {
        var (model, vocabulary) = Model();
        var e = Assert.Throws<ArgumentException>(() => new CharSampler(model, vocabulary).Generate("abz", 5, 1, 0, new Rng(1)));
        Assert.Contains("'z'", e.Message);
    }

    [Fact]
    public void ACheckpointOfAnotherKindIsRejected()
    {
        string path = Path.Combine(Path.GetTempPath(), $"not-charlm-{Guid.NewGuid():N}.safetensors");
        try
        {
            new Checkpoint<float>(new Dictionary<string, Tensor<float>> { ["w"] = new Tensor<float>(2) }).Save(path);
            var e = Assert.Throws<InvalidDataException>(() => Recurrent.Models.Model.Load<CharLanguageModel<float>>(path));
            Assert.Contains("holds weights but no model description", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
