using Recurrent.Data;
using Recurrent.Tensors;

namespace Recurrent.Cli.Tasks;

/// <summary>A padded batch of a task's samples, with what its loss needs: classes, tags, target sequences or values.</summary>
internal sealed class TaskBatch : IBatch
{
    /// <summary>Inputs <c>(B, T, F)</c>, zero past each length; symbol ids stored as numbers (F = 1).</summary>
    public Tensor<float> Inputs { get; set; } = new(1, 1, 1);

    /// <summary>Each sample's length.</summary>
    public int[] Lengths { get; set; } = [];

    /// <summary>Classify: B classes. Tag: B·T tags, −1 past each length.</summary>
    public int[] Labels { get; set; } = [];

    /// <summary>Seq2seq: the source ids <c>(B, T)</c>.</summary>
    public int[] SourceIds { get; set; } = [];

    /// <summary>Seq2seq: the decoder's inputs and targets.</summary>
    public DecoderSequences? Targets { get; set; }

    /// <summary>Forecast: the values to predict <c>(B, horizon · targets)</c>, standardised.</summary>
    public Tensor<float>? Values { get; set; }

    /// <summary>The samples' indices in their data set.</summary>
    public int[] Indices { get; set; } = [];

    public int Count => Indices.Length;
}
