using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Onnx.Proto;
using Recurrent.Tensors;

namespace Recurrent.Onnx.Import;

/// <summary>
/// Turns what <see cref="GraphWalker"/> found into a Recurrent model with the graph's weights: recurrent nodes alone
/// (and their state plumbing) become one <see cref="RecurrentLayer{T}"/> of L layers; an embedding or a head makes a
/// <see cref="Sequential{T}"/> (embedding or frame encoder → recurrent stages → all steps, the last step or the mean →
/// head); a character language model's graph goes to <see cref="CharModelAssembler"/>. It checks that the
/// graph's outputs are what the model computes, so a graph whose outputs the model would not reproduce is refused.
/// </summary>
internal static class ModelAssembler
{
    /// <summary>The model of a walked graph.</summary>
    public static Module<float> Build(GraphWalker walker, ModelProto model)
    {
        var graph = model.Graph;
        var context = walker.Context;
        if (walker.Nodes.Count == 0) throw context.Unsupported("the graph has no LSTM, GRU or RNN node; the importer reads recurrent models.");
        var outputs = graph.Output.Select(o => (o.Name, Value: walker.Output(o.Name))).ToArray();
        if (CharModelAssembler.IsCharModel(walker, model)) return CharModelAssembler.Build(walker, model, outputs);
        return walker.Embedding is not null || walker.Frames is not null || walker.Head is not null ? Sequential(walker, outputs) : Layer(walker, outputs);
    }

    /// <summary>Recurrent nodes alone: a <see cref="RecurrentLayer{T}"/> whose output and final states are the graph's.</summary>
    private static RecurrentLayer<float> Layer(GraphWalker walker, (string Name, GraphValue Value)[] outputs)
    {
        var context = walker.Context;
        var nodes = walker.Nodes;
        var first = nodes[0];
        var other = nodes.FirstOrDefault(n => !first.SameLayerKind(n));
        if (other is not null)
        {
            throw context.Unsupported($"recurrent nodes '{first.Name}' ({first.Cell}, H = {first.Hidden}, D = {first.Directions}) and '{other.Name}' ({other.Cell}, H = {other.Hidden}, D = {other.Directions}) differ; a RecurrentLayer stacks equal layers (a graph with a head or embedding imports as a Sequential of several stages).");
        }
        bool batchFirst = walker.TimeAxis == "a1";
        StateInput(walker, 'h');
        if (first.Cell == Cells.CellKind.Lstm) StateInput(walker, 'c');
        Lengths(walker);
        int rows = nodes.Count * first.Directions, last = nodes.Count - 1;
        foreach (var (name, value) in outputs)
        {
            bool ok = value switch
            {
                Flow { Stage: FlowStage.Sequence, Pooled: false } f when f.Layer == last && f.Axes.Length == 3 =>
                    f.Axes[0].Name == (batchFirst ? walker.BatchAxis : walker.TimeAxis) && f.Axes[1].Name == (batchFirst ? walker.TimeAxis : walker.BatchAxis)
                    && FeaturesOf(f.Axes[2], first.Directions),
                Flow { Stage: FlowStage.State, RowStart: 0 } f => f.RowCount == rows && f.Axes is [{ Name: "S" }, var b, { Name: "H" }] && b.Name == walker.BatchAxis,
                _ => false,
            };
            if (!ok)
            {
                string expected = batchFirst ? "(B, T, D·H)" : "(T, B, D·H)";
                throw context.Unsupported($"graph output '{name}' is {Describe(value)}; an imported recurrent layer gives its output {expected} and final states (L·D, B, H).");
            }
        }
        var spec = new RecurrentSpec(first.Cell, first.Hidden, nodes.Count, first.Directions == 2, 0, batchFirst, Nonlinearity: first.Nonlinearity);
        var layer = new RecurrentLayer<float>(first.InputSize, spec, new Rng(0));
        var weights = new Dictionary<string, Tensor<float>>(StringComparer.Ordinal);
        for (int k = 0; k < nodes.Count; k++) nodes[k].AddWeights(weights, "", k);
        layer.LoadStateDict(weights);
        return layer;
    }

    /// <summary>An embedding and/or a head: a <see cref="Sequential{T}"/>.</summary>
    private static Sequential<float> Sequential(GraphWalker walker, (string Name, GraphValue Value)[] outputs)
    {
        var context = walker.Context;
        var nodes = walker.Nodes;
        if (walker.TimeAxis != "a1") throw context.Unsupported($"the model reads its input '{walker.DataInput}' time-major (T, B, …); a Sequential reads (B, T, …).");
        if (walker.Head is not { } head) throw context.Unsupported("the graph has an embedding but no linear head after its recurrent nodes; the importer maps embedding → recurrent → head models, or recurrent nodes alone.");
        foreach (var node in nodes)
        {
            if (!IsZero(node.InitialH) || !IsZero(node.InitialC)) throw context.Unsupported($"recurrent node '{node.Name}' starts from a given state; an imported Sequential starts from zero states.");
        }
        Lengths(walker);
        string? lengths = nodes[0].Lengths;
        var lastNode = nodes[^1];
        int d = lastNode.Directions;
        var x = head.Input;
        SequencePooling pooling;
        if (x is { Stage: FlowStage.Sequence, Pooled: false } && x.Axes is [var b0, var t0, var f0] && b0.Name == walker.BatchAxis && t0.Name == walker.TimeAxis && FeaturesOf(f0, d))
        {
            pooling = SequencePooling.AllSteps;
        }
        else if (x is { Stage: FlowStage.Sequence, LastStep: true } && x.Axes is [var b1, var f1] && b1.Name == walker.BatchAxis && FeaturesOf(f1, d))
        {
            if (d == 2 && !x.ReverseFirst) throw context.Unsupported("the head reads the bidirectional output's last step, out[:, -1], whose reverse half is the reverse direction's first step; an imported Sequential's last step takes the reverse direction's final state. Use the final states h_n instead.");
            if (lengths is not null && x.PoolLengths is null) throw context.Unsupported("the head reads out[:, -1] of sequences of given lengths (padded steps); an imported Sequential takes each sequence's own last step.");
            SamePoolLengths(walker, x, lengths);
            pooling = SequencePooling.LastStep;
        }
        else if (x is { Stage: FlowStage.Sequence, Mean: true } && x.Axes is [var b3, var f3] && b3.Name == walker.BatchAxis && FeaturesOf(f3, d))
        {
            if (lengths is not null && x.PoolLengths is null) throw context.Unsupported("the head reads the mean over all T steps of sequences of given lengths (padded steps count); an imported Sequential averages each sequence over its own length.");
            SamePoolLengths(walker, x, lengths);
            pooling = SequencePooling.Mean;
        }
        else if (x is { Stage: FlowStage.State, State: 'h' } && x.RowStart == (nodes.Count - 1) * d && x.RowCount == d && x.Axes is [var b2, var f2] && b2.Name == walker.BatchAxis
            && (d == 1 && f2 is { Name: "H", Parts: null } || f2.Parts is [{ Name: "S" } s, { Name: "H" }] && s.Size == d))
        {
            pooling = SequencePooling.LastStep;
        }
        else
        {
            throw context.Unsupported($"the head reads {FlowOps.Describe(x)}; the importer maps a head on every step (B, T, D·H), on the last step out[:, -1], on the mean over steps, or on the last layer's final states (B, D·H).");
        }
        var scores = outputs.Where(o => o.Value is Flow { Stage: FlowStage.Head or FlowStage.Scores or FlowStage.Softmax }).ToArray();
        // Probabilities beside the logits (softmax over the classes, checked by FlowOps): the model gives the logits.
        if (scores.Length > 1) scores = scores.Where(o => o.Value is not Flow { Stage: FlowStage.Softmax }).ToArray();
        if (scores.Length != 1) throw context.Unsupported($"the graph has {scores.Length} outputs computed by the head; the importer maps one.");
        var expected = pooling == SequencePooling.AllSteps ? 3 : 2;
        if (((Flow)scores[0].Value).Axes is not { } axes || axes.Length != expected || axes[0].Name != walker.BatchAxis || expected == 3 && axes[1].Name != walker.TimeAxis)
        {
            throw context.Unsupported($"graph output '{scores[0].Name}' is {Describe(scores[0].Value)}; an imported Sequential gives its scores as {(expected == 3 ? "(B, T, O)" : "(B, O)")}.");
        }

        var stages = new List<(RecurrentSpec Spec, int First)>();
        for (int k = 0; k < nodes.Count; k++)
        {
            if (k > 0 && nodes[k].SameLayerKind(nodes[stages[^1].First])) stages[^1] = (stages[^1].Spec with { Layers = stages[^1].Spec.Layers + 1 }, stages[^1].First);
            else stages.Add((new RecurrentSpec(nodes[k].Cell, nodes[k].Hidden, 1, nodes[k].Directions == 2, 0, true, Nonlinearity: nodes[k].Nonlinearity), k));
        }
        int outputsCount = head.Weight.Shape[0];
        var specs = stages.Select(s => s.Spec).ToArray();
        var config = (walker.Embedding, walker.Frames) switch
        {
            ({ } table, _) => new SequentialConfig(table.Shape[0], outputsCount, specs, pooling, EmbeddingSize: table.Shape[1]),
            (_, { } frames) => new SequentialConfig(frames.Weight.Shape[1], outputsCount, specs, pooling, FrameEncoderSize: frames.Weight.Shape[0]),
            _ => new SequentialConfig(nodes[0].InputSize, outputsCount, specs, pooling),
        };
        var model = new Sequential<float>(config, new Rng(0));
        var weights = new Dictionary<string, Tensor<float>>(StringComparer.Ordinal);
        if (walker.Embedding is { } e) weights["embedding.weight"] = new Tensor<float>(e.ToFloats(), e.Shape);
        if (walker.Frames is { } f)
        {
            int size = f.Weight.Shape[0];
            weights["frames.weight"] = new Tensor<float>(f.Weight.ToFloats(), f.Weight.Shape);
            weights["frames.bias"] = new Tensor<float>(f.Bias?.ToFloats() ?? new float[size], size);
        }
        for (int i = 0; i < stages.Count; i++)
        {
            for (int k = 0; k < stages[i].Spec.Layers; k++) nodes[stages[i].First + k].AddWeights(weights, $"rnn{i}.", k);
        }
        weights["head.weight"] = new Tensor<float>(head.Weight.ToFloats(), head.Weight.Shape);
        weights["head.bias"] = new Tensor<float>(head.Bias?.ToFloats() ?? new float[outputsCount], outputsCount);
        model.LoadStateDict(weights);
        return model;
    }

    /// <summary>The features of a recurrent node's output as the layer gives them: the directions concatenated, (D·H), or H alone.</summary>
    internal static bool FeaturesOf(Axis features, int directions) =>
        directions == 1 && features is { Name: "H", Parts: null } || features.Parts is [{ Name: "D" } d, { Name: "H" }] && d.Size == directions;

    private static bool IsZero(GraphValue? value) => value is null or ZerosValue || value is ConstantValue { Tensor.IsAllZero: true };

    /// <summary>
    /// Checks that every node starts its state <paramref name="state"/> from zeros, or every node from its rows
    /// [k·D, (k+1)·D) of one graph input (L·D, B, H); returns that input's name, or null for zeros.
    /// </summary>
    internal static string? StateInput(GraphWalker walker, char state)
    {
        var nodes = walker.Nodes;
        var values = nodes.Select(n => state == 'h' ? n.InitialH : n.InitialC).ToArray();
        if (values.All(IsZero)) return null;
        int d = nodes[0].Directions;
        string? input = null;
        for (int k = 0; k < nodes.Count; k++)
        {
            bool ok = values[k] is StateInputValue s && (input is null || s.Input == input)
                && (s.End < 0 ? nodes.Count == 1 && s.Start == 0 : s.Start == k * d && s.End == (k + 1) * d);
            if (!ok)
            {
                throw walker.Context.Unsupported($"recurrent node '{nodes[k].Name}' takes its initial {state} from {Describe(values[k])}; the importer maps zero initial states, or rows [k·D, (k+1)·D) of one graph input (L·D, B, H) for every layer.");
            }
            input = ((StateInputValue)values[k]!).Input;
        }
        return input;
    }

    /// <summary>
    /// Checks that a pooling over each sequence's own steps took them from the lengths the recurrent nodes read: a
    /// Sequential applies one lengths to both, so pooling by lengths over nodes that run all T steps would change the meaning.
    /// </summary>
    private static void SamePoolLengths(GraphWalker walker, Flow x, string? lengths)
    {
        if (x.PoolLengths is not null && x.PoolLengths != lengths)
        {
            string nodes = lengths is null ? "run every sequence over all T steps (no sequence_lens)" : $"read sequence_lens '{lengths}'";
            throw walker.Context.Unsupported($"the pooling takes each sequence's steps from '{x.PoolLengths}' but the recurrent nodes {nodes}; an imported Sequential uses one lengths for both.");
        }
    }

    /// <summary>Checks that every node reads the same sequence_lens input, or none does.</summary>
    internal static void Lengths(GraphWalker walker)
    {
        var nodes = walker.Nodes;
        var other = nodes.FirstOrDefault(n => n.Lengths != nodes[0].Lengths);
        if (other is not null) throw walker.Context.Unsupported($"recurrent nodes '{nodes[0].Name}' and '{other.Name}' read different sequence_lens; the importer maps one lengths input for all layers.");
    }

    internal static string Describe(GraphValue? value) => value switch
    {
        null => "nothing",
        Flow f => FlowOps.Describe(f),
        ConstantValue c => $"a constant {c.Tensor.ShapeText}",
        ZerosValue => "zeros",
        OpaqueValue o => $"a tensor computed at run time by node '{o.Node}' ({o.OpType})",
        InputValue i => $"graph input '{i.Name}'",
        StateInputValue s => $"rows [{s.Start}, {(s.End < 0 ? "end" : s.End)}) of graph input '{s.Input}'",
        _ => value.GetType().Name,
    };
}
