using System.Text.Json;
using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Tensors;

namespace Recurrent.Tests.Layers;

public class RecurrentSpecTests
{
    [Fact]
    public void DefaultsAreOneBatchFirstTanhLstmLayer()
    {
        var spec = new RecurrentSpec();
        Assert.Equal(CellKind.Lstm, spec.Cell);
        Assert.Equal(64, spec.HiddenSize);
        Assert.Equal(1, spec.Layers);
        Assert.False(spec.Bidirectional);
        Assert.Equal(0.0, spec.Dropout);
        Assert.True(spec.BatchFirst);
        Assert.Null(spec.CellOutputSize);
        Assert.Null(spec.ForgetBias);
        Assert.Equal(Activation.Tanh, spec.Nonlinearity);
        Assert.Equal(Activation.Tanh, spec.OutputActivation);
        spec.Validate();
    }

    [Theory]
    [InlineData("HiddenSize", "The encoder's HiddenSize is 0; expected a positive number of units.")]
    [InlineData("Layers", "The encoder's Layers is 0; expected at least 1.")]
    [InlineData("Dropout", "The encoder's Dropout is 1; expected a probability in [0, 1).")]
    [InlineData("CellOutputSize", "The encoder's Jordan cell feeds its output back, so CellOutputSize must be a positive size; got null.")]
    [InlineData("ElmanOutput", "The encoder's CellOutputSize is 0; expected null (no output layer) or a positive size.")]
    public void ValidateNamesTheBadFieldAndTheExpectedValue(string field, string message)
    {
        var spec = field switch
        {
            "HiddenSize" => new RecurrentSpec { HiddenSize = 0 },
            "Layers" => new RecurrentSpec { Layers = 0 },
            "Dropout" => new RecurrentSpec { Dropout = 1 },
            "CellOutputSize" => new RecurrentSpec { Cell = CellKind.Jordan },
            _ => new RecurrentSpec { Cell = CellKind.Elman, CellOutputSize = 0 },
        };
        var e = Assert.Throws<ArgumentException>(() => spec.Validate("encoder"));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void TheLayerRejectsABadSpecAndKeepsAGoodOne()
    {
        var e = Assert.Throws<ArgumentException>(() => new RecurrentLayer<float>(3, new RecurrentSpec { Dropout = -0.1 }, new Rng(1)));
        Assert.Contains("Dropout is -0.1", e.Message);
        var spec = new RecurrentSpec { Cell = CellKind.Gru, HiddenSize = 6, Layers = 2 };
        var layer = new RecurrentLayer<float>(3, spec, new Rng(1));
        Assert.Same(spec, layer.Spec);
        Assert.Equal(CellKind.Gru, layer.Kind);
        Assert.Equal(6, layer.HiddenSize);
        Assert.Equal(["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"],
            layer.NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void ModelsWantBatchFirstSpecs()
    {
        var config = new SequenceClassifierConfig(2, 3, new RecurrentSpec { HiddenSize = 4, BatchFirst = false });
        var e = Assert.Throws<ArgumentException>(config.Validate);
        Assert.Contains("The encoder's BatchFirst is false; expected true", e.Message);
    }

    [Fact]
    public void SerialisesWithReadableNamesAndEnumsAsStrings()
    {
        var spec = new RecurrentSpec { Cell = CellKind.ElmanJordan, HiddenSize = 8, CellOutputSize = 3, Nonlinearity = Activation.Relu, Dropout = 0.25 };
        string json = JsonSerializer.Serialize(spec, ModelJson.Default.RecurrentSpec);
        Assert.Contains("\"Cell\":\"ElmanJordan\"", json);
        Assert.Contains("\"HiddenSize\":8", json);
        Assert.Contains("\"Nonlinearity\":\"Relu\"", json);
        Assert.Equal(spec, JsonSerializer.Deserialize(json, ModelJson.Default.RecurrentSpec));
        // A spec saved before Dropout and BatchFirst existed reads with their defaults.
        var old = JsonSerializer.Deserialize("""{"Cell":"Gru","HiddenSize":5,"Layers":2,"Bidirectional":true}""", ModelJson.Default.RecurrentSpec);
        Assert.Equal(new RecurrentSpec { Cell = CellKind.Gru, HiddenSize = 5, Layers = 2, Bidirectional = true }, old);
        Assert.Equal(new RecurrentSpec(), JsonSerializer.Deserialize("{}", ModelJson.Default.RecurrentSpec));
    }

    [Fact]
    public void CharModelConfigKeepsItsRulesAndRoundTripsThroughJson()
    {
        var jordan = new CharModelConfig(10, 4, new RecurrentSpec { Cell = CellKind.Jordan, CellOutputSize = 3 });
        Assert.Equal("Rnn", Assert.Throws<ArgumentException>(jordan.Validate).ParamName);
        var config = new CharModelConfig(10, 4, new RecurrentSpec { Cell = CellKind.Gru, HiddenSize = 12, Layers = 3, Dropout = 0.1 });
        Assert.Equal(config, JsonSerializer.Deserialize(JsonSerializer.Serialize(config, ModelJson.Default.CharModelConfig), ModelJson.Default.CharModelConfig));
    }
}
