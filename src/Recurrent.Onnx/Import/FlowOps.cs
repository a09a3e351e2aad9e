using Recurrent.Onnx.Proto;

namespace Recurrent.Onnx.Import;

/// <summary>
/// The operators on the data path of a recurrent model's graph, applied to the axes of <see cref="Flow"/> values:
/// the recurrent nodes themselves; the layout plumbing around them (<c>Transpose</c>, <c>Reshape</c>, <c>Squeeze</c>,
/// <c>Unsqueeze</c>, <c>Identity</c>, <c>Dropout</c>); the embedding (<c>Gather</c> of an initializer at the token
/// ids); taking the last step (<c>Gather</c> or <c>Slice</c> of index −1 on the time axis), the mean over time
/// (<c>ReduceMean</c>, or <c>ReduceSum</c> and the divisions and masks of <see cref="FlowPooling"/>) or a row of the
/// final states; a frame encoder (<c>MatMul</c>, <c>Add</c>, <c>Relu</c>) before the first recurrent node;
/// concatenating final states (<c>Concat</c>); the head (<c>MatMul</c>/<c>Gemm</c> and <c>Add</c>); a final
/// <c>Softmax</c>. Anything else on the data path is refused.
/// </summary>
internal sealed class FlowOps(GraphWalker walker)
{
    private ImportContext Context => walker.Context;

    /// <summary>An LSTM, GRU or RNN node: Y <c>[T, D, B, H]</c>, Y_h and Y_c <c>[D, B, H]</c>.</summary>
    public GraphValue[] Recurrent(NodeProto node, GraphValue?[] inputs)
    {
        if (inputs.Length == 0 || inputs[0] is null) throw Context.InvalidNode(node, "lacks its input X.");
        var resolved = (GraphValue?[])inputs.Clone();
        for (int i = 5; i < Math.Min(7, resolved.Length); i++)
        {
            if (resolved[i] is InputValue state) resolved[i] = new StateInputValue(state.Name, 0, -1);
        }
        var info = RecurrentNode.Read(node, resolved, Context);
        var x = AsFlow(inputs[0]!, node);
        int k = walker.Nodes.Count;
        bool follows = k == 0 ? x.Stage == FlowStage.Features : x.Stage == FlowStage.Sequence && x.Layer == k - 1 && !x.Pooled;
        if (!follows) throw Context.UnsupportedNode(node, $"reads {Describe(x)}; the importer maps recurrent nodes that read the model's input or the previous recurrent node's output.");
        if (x.Axes.Length != 3 || !x.Axes[0].IsDynamic || !x.Axes[1].IsDynamic)
        {
            throw Context.UnsupportedNode(node, $"reads X with axes {x.AxesText}; expected (T, B, {info.InputSize}).");
        }
        var features = x.Axes[2];
        if (features.Size != info.InputSize) throw Context.UnsupportedNode(node, $"reads X with {features.Size} features per step; its W {info.W.ShapeText} expects I = {info.InputSize}.");
        if (k > 0)
        {
            var previous = walker.Nodes[k - 1];
            bool layout = previous.Directions == 1 && features.Parts is null && features.Name == "H"
                || features.Parts is [{ Name: "D" } d, { Name: "H" }] && d.Size == previous.Directions;
            if (!layout) throw Context.UnsupportedNode(node, $"reads the previous layer's Y with features {features.Text}; expected the directions concatenated, (D·H).");
        }
        walker.TimeAxis ??= x.Axes[0].Name;
        walker.BatchAxis ??= x.Axes[1].Name;
        if (walker.TimeAxis != x.Axes[0].Name || walker.BatchAxis != x.Axes[1].Name)
        {
            throw Context.UnsupportedNode(node, $"reads X with axes {x.AxesText}, time and batch swapped against the first recurrent node's.");
        }
        walker.Nodes.Add(info);
        var t = x.Axes[0];
        var b = x.Axes[1];
        var directions = new Axis("D", info.Directions);
        var hidden = new Axis("H", info.Hidden);
        var rows = new Axis("S", info.Directions);
        var y = new Flow([t, directions, b, hidden], FlowStage.Sequence, k);
        var h = new Flow([rows, b, hidden], FlowStage.State, k, 'h', k * info.Directions, info.Directions);
        return info.Cell == Cells.CellKind.Lstm ? [y, h, h with { State = 'c' }] : [y, h];
    }

    /// <summary>Any other node with the data (or a graph input) among its inputs.</summary>
    public GraphValue[] Apply(NodeProto node, GraphValue?[] inputs)
    {
        var first = inputs.Length > 0 ? inputs[0] : null;
        switch (node.OpType)
        {
            case "Identity" when first is InputValue or StateInputValue:
                return [first];
            case "Slice" when first is InputValue { Rank: 3 } or StateInputValue:
                return [StateRows(node, first, inputs)];
            case "Transpose" when first is InputValue { Rank: 2, ElementType: (int)TensorProto.Types.DataType.Int64 or (int)TensorProto.Types.DataType.Int32 } ids
                && ShapeOps.Permutation(node, 2, Context) is [1, 0]:
                return [ids with { Transposed = !ids.Transposed }]; // time-major ids, looked up into (T, B, E)
            case "Gather" when first is ConstantValue table && inputs.Length > 1 && inputs[1] is InputValue ids:
                return [Embed(node, table.Tensor, ids)];
            case "Shape":
                return [new OpaqueValue(ImportContext.NameOf(node), node.OpType)];
        }
        if (first is null) throw Context.UnsupportedNode(node);
        if (node.OpType == "Add") return [Add(node, inputs)];
        var x = AsFlow(first, node);
        return node.OpType switch
        {
            "Identity" => [x],
            "Dropout" => [x, new OpaqueValue(ImportContext.NameOf(node), node.OpType)],
            "Transpose" => [x with { Axes = ShapeOps.Permutation(node, x.Axes.Length, Context).Select(p => x.Axes[p]).ToArray() }],
            "Reshape" => [x with { Axes = FlowShapes.Reshape(node, x.Axes, Constant(node, inputs, 1, "shape").ToLongs(), Context) }],
            "Squeeze" => [FlowShapes.Squeeze(node, x, ConstantAxes(node, inputs), Context)],
            "Unsqueeze" => [FlowShapes.Unsqueeze(node, x, ConstantAxes(node, inputs) ?? throw Context.InvalidNode(node, "has no axes."), Context)],
            "Gather" => [FlowShapes.Gather(node, x, Constant(node, inputs, 1, "indices"), walker.TimeAxis, Context)],
            "Slice" => [FlowShapes.Slice(node, x, inputs.Select(v => (v as ConstantValue)?.Tensor).ToArray(), walker.Opset, walker.TimeAxis, Context)],
            "Concat" => [FlowShapes.Concat(node, inputs.Select(v => v is Flow f ? f : throw Context.UnsupportedNode(node, "concatenates the data with other tensors; the importer maps concatenations of final states.")).ToArray(), Context)],
            "MatMul" => [Head(node, x, Constant(node, inputs, 1, "B"), transposed: false)],
            "Gemm" => [Gemm(node, x, inputs)],
            "ReduceSum" => [FlowPooling.Sum(node, x, walker.Opset < 13 ? NodeAttributes.Ints(node, "axes") : ConstantAxes(node, inputs), walker)],
            "Relu" when x.Stage == FlowStage.Frames => [x with { Stage = FlowStage.Features }],
            "ReduceMean" => [FlowShapes.Mean(node, x, walker.Opset < 18 ? NodeAttributes.Ints(node, "axes") : ConstantAxes(node, inputs), walker.TimeAxis, Context)],
            "Softmax" when x.Stage is FlowStage.Scores or FlowStage.Head => [Softmax(node, x)],
            _ => throw Context.UnsupportedNode(node),
        };
    }

    /// <summary>A graph input as the data: the sequence <c>[a0, a1, F]</c> (which axis is time, the first recurrent node says).</summary>
    private Flow AsFlow(GraphValue value, NodeProto node)
    {
        switch (value)
        {
            case Flow f:
                return f;
            case InputValue input when input.ElementType == (int)TensorProto.Types.DataType.Float && input.Rank == 3:
                if (walker.DataInput is not null && walker.DataInput != input.Name) throw Context.UnsupportedNode(node, $"reads a second data input '{input.Name}' (the first is '{walker.DataInput}').");
                int features = input.Dims![2];
                if (features < 1) throw Context.Unsupported($"graph input '{input.Name}' does not declare its feature dimension; the importer needs (B, T, I) or (T, B, I) with I fixed.");
                walker.DataInput = input.Name;
                return new Flow([new Axis("a0", -1), new Axis("a1", -1), new Axis("F", features)], FlowStage.Features, -1);
            case InputValue input:
                throw Context.UnsupportedNode(node, $"reads graph input '{input.Name}' (element type {(TensorProto.Types.DataType)input.ElementType}, rank {input.Rank}) as data; the importer reads float sequences of rank 3 or token ids through an embedding.");
            default:
                throw Context.UnsupportedNode(node, "mixes the data with a tensor computed at run time; the importer maps the layout, embedding, pooling and head operators of recurrent models.");
        }
    }

    private Flow Embed(NodeProto node, ConstTensor table, InputValue ids)
    {
        if (table.Rank == 2 && (table.Shape[0] < 1 || table.Shape[1] < 1)) throw Context.InvalidNode(node, $"looks token ids up in an empty table {table.ShapeText}.");
        if (NodeAttributes.Int(node, "axis", 0) != 0 || table.Rank != 2) throw Context.UnsupportedNode(node, $"gathers from a {table.ShapeText} table along axis {NodeAttributes.Int(node, "axis", 0)}; an embedding gathers rows of (V, E).");
        if (ids.ElementType is not ((int)TensorProto.Types.DataType.Int64 or (int)TensorProto.Types.DataType.Int32) || ids.Rank != 2)
        {
            throw Context.UnsupportedNode(node, $"looks up graph input '{ids.Name}' of rank {ids.Rank}; the importer reads token ids (B, T) of int64 or int32.");
        }
        if (walker.Embedding is not null || walker.DataInput is not null) throw Context.UnsupportedNode(node, "is a second embedding or data input; the importer maps one.");
        walker.Embedding = table;
        walker.DataInput = ids.Name;
        Axis b = new("a0", -1), t = new("a1", -1);
        return new Flow(ids.Transposed ? [t, b, new Axis("F", table.Shape[1])] : [b, t, new Axis("F", table.Shape[1])], FlowStage.Features, -1);
    }

    /// <summary>Torch's per-layer slice <c>h0[k·D : (k+1)·D]</c> of an initial-state input.</summary>
    private StateInputValue StateRows(NodeProto node, GraphValue source, GraphValue?[] inputs)
    {
        var (name, start, end) = source switch
        {
            StateInputValue s => (s.Input, s.Start, s.End),
            InputValue i => (i.Name, 0, -1),
            _ => throw Context.UnsupportedNode(node),
        };
        var c = inputs.Select(v => (v as ConstantValue)?.Tensor).ToArray();
        bool attributes = walker.Opset < 10; // Slice-1 takes its bounds as attributes
        long[]? starts = attributes ? NodeAttributes.Ints(node, "starts") : c.Length > 1 ? c[1]?.ToLongs() : null;
        long[]? ends = attributes ? NodeAttributes.Ints(node, "ends") : c.Length > 2 ? c[2]?.ToLongs() : null;
        long[] axes = (attributes ? NodeAttributes.Ints(node, "axes") : c.Length > 3 ? c[3]?.ToLongs() : null) ?? [0];
        long[] steps = !attributes && c.Length > 4 && c[4] is { } st ? st.ToLongs() : [1];
        if (starts is not [>= 0 and var from] || ends is not [> 0 and var to] || axes is not [0] || steps is not [1] || from >= to || end >= 0 && to > end - start)
        {
            throw Context.UnsupportedNode(node, "slices an initial-state input other than by rows [k·D, (k+1)·D) of axis 0, the one slicing the importer maps.");
        }
        return new StateInputValue(name, start + (int)from, start + (int)to);
    }

    /// <summary>A softmax of the scores over their last axis, the classes (probabilities beside the logits).</summary>
    private Flow Softmax(NodeProto node, Flow x)
    {
        int rank = x.Axes.Length;
        int axis = ShapeOps.Axis(NodeAttributes.Int(node, "axis", walker.Opset < 13 ? 1 : -1), rank, Context, node);
        if (axis != rank - 1) throw Context.UnsupportedNode(node, $"takes a softmax over axis {axis} of the scores {x.AxesText}; the importer maps a softmax over the classes, the last axis.");
        return x with { Stage = FlowStage.Softmax };
    }

    private Flow Add(NodeProto node, GraphValue?[] inputs)
    {
        if (inputs.Length != 2) throw Context.InvalidNode(node, "needs two inputs.");
        var (flow, bias) = inputs[0] is Flow f0 && inputs[1] is ConstantValue c1 ? (f0, c1.Tensor)
            : inputs[1] is Flow f1 && inputs[0] is ConstantValue c0 ? (f1, c0.Tensor)
            : throw Context.UnsupportedNode(node, "adds two run-time tensors; the importer maps the head's bias, a constant added to x·Wᵀ.");
        if (flow.Stage == FlowStage.Frames && walker.Frames is { Bias: null } frames)
        {
            if (bias.Values.Length != frames.Weight.Shape[0] || bias.Shape.Take(bias.Rank - 1).Any(d => d != 1))
            {
                throw Context.UnsupportedNode(node, $"adds a constant of shape {bias.ShapeText} to the frame encoder's {frames.Weight.Shape[0]} features; expected a bias ({frames.Weight.Shape[0]}).");
            }
            walker.Frames = frames with { Bias = bias };
            return flow;
        }
        if (flow.Stage != FlowStage.Head || walker.Head is not { Bias: null } head) throw Context.UnsupportedNode(node, $"adds a constant to {Describe(flow)}; the importer maps Add as the head's bias, after its MatMul.");
        int outputs = head.Weight.Shape[0];
        if (bias.Values.Length != outputs || bias.Shape.Take(bias.Rank - 1).Any(d => d != 1))
        {
            throw Context.UnsupportedNode(node, $"adds a constant of shape {bias.ShapeText} to the head's {outputs} scores; expected a bias ({outputs}).");
        }
        walker.Head = head with { Bias = bias };
        return flow with { Stage = FlowStage.Scores };
    }

    private Flow Gemm(NodeProto node, Flow x, GraphValue?[] inputs)
    {
        if (NodeAttributes.Int(node, "transA", 0) != 0 || NodeAttributes.Float(node, "alpha", 1) != 1 || NodeAttributes.Float(node, "beta", 1) != 1)
        {
            throw Context.UnsupportedNode(node, "sets transA, alpha or beta; the importer maps the head Gemm(x, W, b, transB) with alpha = beta = 1.");
        }
        var scores = Head(node, x, Constant(node, inputs, 1, "B"), transposed: NodeAttributes.Int(node, "transB", 0) != 0);
        if (inputs.Length > 2 && inputs[2] is not null) return Add(node, [scores, inputs[2]]);
        return scores;
    }

    /// <summary>The head x·W (MatMul) or x·Wᵀ (Gemm with transB): the weight is kept as (O, F), a Linear's layout.</summary>
    private Flow Head(NodeProto node, Flow x, ConstTensor w, bool transposed)
    {
        if (x.Stage == FlowStage.Features && walker.Nodes.Count == 0 && walker.Embedding is null && walker.Frames is null) return FrameEncoder(node, x, w, transposed);
        if (walker.Head is not null) throw Context.UnsupportedNode(node, "is a second linear layer; the importer maps one head after the recurrent layers.");
        if (x.Stage is not (FlowStage.Sequence or FlowStage.State) || walker.Nodes.Count == 0 || x.Layer != walker.Nodes.Count - 1)
        {
            throw Context.UnsupportedNode(node, $"multiplies {Describe(x)}; the importer maps a head on the last recurrent layer's output.");
        }
        if (w.Rank != 2 || w.Shape[0] < 1 || w.Shape[1] < 1) throw Context.UnsupportedNode(node, $"multiplies by a weight of shape {w.ShapeText}; a head's weight is a non-empty matrix.");
        var weight = transposed ? w : ConstantFolder.Transpose(w, [1, 0]);
        int features = x.Axes[^1].Size;
        if (weight.Shape[1] != features) throw Context.UnsupportedNode(node, $"multiplies {features} features by a weight of shape {w.ShapeText}.");
        walker.Head = (weight, null, x);
        return new Flow([.. x.Axes[..^1], new Axis("O", weight.Shape[0])], FlowStage.Head, x.Layer);
    }

    /// <summary>The frame encoder's W_e·x (its bias and ReLU follow) on the input features, before the first recurrent node.</summary>
    private Flow FrameEncoder(NodeProto node, Flow x, ConstTensor w, bool transposed)
    {
        if (w.Rank != 2 || w.Shape[0] < 1 || w.Shape[1] < 1) throw Context.UnsupportedNode(node, $"multiplies the input by a weight of shape {w.ShapeText}; a frame encoder's weight is a non-empty matrix.");
        var weight = transposed ? w : ConstantFolder.Transpose(w, [1, 0]);
        if (weight.Shape[1] != x.Axes[^1].Size) throw Context.UnsupportedNode(node, $"multiplies {x.Axes[^1].Size} input features by a weight of shape {w.ShapeText}.");
        walker.Frames = (weight, null);
        return new Flow([.. x.Axes[..^1], new Axis("F", weight.Shape[0])], FlowStage.Frames, -1);
    }

    private ConstTensor Constant(NodeProto node, GraphValue?[] inputs, int index, string role) =>
        index < inputs.Length && inputs[index] is ConstantValue c ? c.Tensor
            : throw Context.UnsupportedNode(node, $"takes its input '{role}' from a run-time tensor; the importer needs a constant there.");

    private long[]? ConstantAxes(NodeProto node, GraphValue?[] inputs) =>
        walker.Opset < 13 && NodeAttributes.Has(node, "axes") ? NodeAttributes.Ints(node, "axes")
            : inputs.Length > 1 && inputs[1] is not null ? Constant(node, inputs, 1, "axes").ToLongs() : null;

    /// <summary>A data value as messages describe it.</summary>
    public static string Describe(Flow x) => x.Stage switch
    {
        FlowStage.Features => $"the model's input {x.AxesText}",
        FlowStage.Frames => $"the frame encoder's W_e·x + b_e {x.AxesText} before its Relu",
        FlowStage.Sequence => $"recurrent node {x.Layer}'s output {x.AxesText}",
        FlowStage.State => $"final states {x.AxesText}",
        _ => $"the head's scores {x.AxesText}",
    };
}
