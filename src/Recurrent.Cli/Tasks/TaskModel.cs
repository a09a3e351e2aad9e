using Recurrent.Autodiff;
using Recurrent.Data;
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Models;
using Recurrent.Tensors;

namespace Recurrent.Cli.Tasks;

/// <summary>
/// A task's model with the schema that tells how to feed it: a <see cref="Sequential{T}"/> for classify (N-1), tag
/// (N-N) and forecast (N-1 regression), a <see cref="Seq2Seq{T}"/> with attention for seq2seq (N-M). The schema
/// travels in the model file's metadata.
/// </summary>
internal sealed class TaskModel
{
    private readonly Tape<float> _inference = new();

    private TaskModel(Module<float> module, DataSchema schema)
    {
        Module = module;
        Schema = schema;
    }

    public Module<float> Module { get; }

    public DataSchema Schema { get; }

    public Sequential<float>? Stack => Module as Sequential<float>;

    public Seq2Seq<float>? Translator => Module as Seq2Seq<float>;

    /// <summary>Builds a fresh model for a learned schema.</summary>
    public static TaskModel Create(DataSchema schema, ModelChoices choices, int maxTargetTokens, ulong seed)
    {
        var rng = new Rng(seed);
        var spec = new RecurrentSpec(choices.Cell, choices.Hidden, choices.Layers, choices.Bidirectional, choices.Dropout,
            ForgetBias: choices.Cell == Cells.CellKind.Lstm ? 1.0 : null);
        int inputs = schema.Symbolic ? schema.InputVocabulary!.Length : schema.Mean!.Length;
        Module<float> module = schema.Task switch
        {
            "seq2seq" => new Seq2Seq<float>(new Seq2SeqConfig(schema.Symbolic ? inputs : 0, schema.Symbolic ? 0 : inputs, schema.Classes!.Length,
                spec with { Bidirectional = false }, choices.Attention, choices.Embed, schema.Symbolic ? 0 : choices.FrameEncoder, maxTargetTokens), rng),
            _ => new Sequential<float>(new SequentialConfig(inputs,
                schema.Task == "forecast" ? schema.Horizon * schema.Targets!.Length : schema.Classes!.Length, [spec],
                schema.Task == "tag" ? SequencePooling.AllSteps : choices.Pooling,
                schema.Symbolic ? choices.Embed : 0, schema.Symbolic ? 0 : choices.FrameEncoder, choices.InputDropout, choices.OutputDropout), rng),
        };
        var model = new TaskModel(module, schema);
        model.Metadata[DataSchema.MetadataKey] = schema.ToJson();
        return model;
    }

    /// <summary>Loads a model file written by <c>recurrent train</c>; a one-line error if it is not one.</summary>
    public static TaskModel Load(string path, bool int8 = false)
    {
        var module = Model.Load(path);
        string file = Path.GetFileName(path);
        var metadata = module switch
        {
            Sequential<float> s => s.Metadata,
            Seq2Seq<float> s => s.Metadata,
            _ => throw new InvalidDataException($"{file}: the file holds a '{module.Describe()?.Kind}' model; 'recurrent train' models are sequential or seq2seq (for a char-lm use its own commands)."),
        };
        var schema = DataSchema.FromMetadata(metadata, file);
        return new TaskModel(CommonOptions.Quantized(module, int8), schema);
    }

    private IDictionary<string, string> Metadata => Stack?.Metadata ?? Translator!.Metadata;

    /// <summary>The batch's training loss: cross-entropy for classes, tags and target symbols, mean squared error for forecasts.</summary>
    public Variable<float> Loss(Tape<float> tape, TaskBatch batch)
    {
        if (Translator is { } translator)
        {
            return translator.Loss(tape, SourceBatch<float>.FromIds(batch.SourceIds, batch.Count, batch.Lengths), batch.Targets!);
        }
        var output = Stack!.Forward(tape, new Variable<float>(batch.Inputs), batch.Lengths);
        return Schema.Task == "forecast" ? tape.MeanSquaredError(output, batch.Values!) : tape.SoftmaxCrossEntropy(output, batch.Labels);
    }

    /// <summary>Inference: the head's outputs, (B, C) for classify, (B, T, C) for tag, (B, horizon · targets) for forecast.</summary>
    public Tensor<float> Outputs(TaskBatch batch) => Evaluating(() =>
    {
        _inference.Reset();
        return Stack!.Forward(_inference, new Variable<float>(batch.Inputs), batch.Lengths).Value.Clone();
    });

    /// <summary>Seq2seq: the generated target ids of each source, greedy or by beam search.</summary>
    public int[][] Generate(TaskBatch batch, DecodeOptions options) =>
        Evaluating(() => Translator!.Generate(SourceBatch<float>.FromIds(batch.SourceIds, batch.Count, batch.Lengths), options));

    /// <summary>Runs <paramref name="inference"/> in evaluation mode (no dropout), then restores the model's mode.</summary>
    private TResult Evaluating<TResult>(Func<TResult> inference)
    {
        bool training = Module.IsTraining;
        Module.Eval();
        try
        {
            return inference();
        }
        finally
        {
            if (training) Module.Train();
        }
    }
}
