using Recurrent.Onnx.Proto;

namespace Recurrent.Onnx.Import;

/// <summary>
/// Computes the few shape and copy operators exporters put between an initializer and the recurrent node that reads it
/// (torch 1.13 slices and concatenates biases, reshapes and unsqueezes weights): <c>Identity</c>, <c>Cast</c>,
/// <c>Reshape</c>, <c>Unsqueeze</c>, <c>Squeeze</c>, <c>Slice</c>, <c>Concat</c>, <c>Transpose</c>, <c>Gather</c>,
/// <c>Shape</c> and <c>ConstantOfShape</c>, over tensors that are all known, with the semantics of the ONNX operator
/// specification (docs/Operators.md of onnx/onnx).
/// </summary>
internal static class ConstantFolder
{
    /// <summary>The operators <see cref="Fold"/> computes.</summary>
    public static readonly IReadOnlySet<string> Operators = new HashSet<string>(StringComparer.Ordinal)
    {
        "Identity", "Cast", "Reshape", "Unsqueeze", "Squeeze", "Slice", "Concat", "Transpose", "Gather", "Shape", "ConstantOfShape",
    };

    /// <summary>The node's output from known inputs.</summary>
    /// <param name="node">The node, one of <see cref="Operators"/>.</param>
    /// <param name="inputs">Its inputs, null where an optional input is absent.</param>
    /// <param name="opset">The model's ai.onnx opset (axes became inputs in 13, Slice's bounds in 10).</param>
    /// <param name="context">The file, for messages.</param>
    /// <returns>The output.</returns>
    public static ConstTensor Fold(NodeProto node, IReadOnlyList<ConstTensor?> inputs, int opset, ImportContext context)
    {
        var x = inputs.Count > 0 ? inputs[0] : null;
        if (x is null && node.OpType != "ConstantOfShape") throw context.InvalidNode(node, "has no input.");
        return node.OpType switch
        {
            "Identity" => x!,
            "Cast" => Cast(x!, NodeAttributes.Int(node, "to", 1)),
            "Reshape" => x! with { Shape = ShapeOps.ReshapeTarget(x!.Shape, Required(node, inputs, 1, context).ToLongs(), context, node) },
            "Unsqueeze" => x! with { Shape = ShapeOps.Unsqueeze(x!.Shape, Axes(node, inputs, opset) ?? throw context.InvalidNode(node, "has no axes."), context, node) },
            "Squeeze" => x! with { Shape = ShapeOps.Squeeze(x!.Shape, Axes(node, inputs, opset), context, node) },
            "Slice" => Slice(node, x!, inputs, opset, context),
            "Concat" => Concat(node, inputs, context),
            "Transpose" => Transpose(x!, ShapeOps.Permutation(node, x!.Rank, context)),
            "Gather" => Gather(node, x!, Required(node, inputs, 1, context), context),
            "Shape" => new ConstTensor([x!.Rank], x!.Shape.Select(d => (double)d).ToArray(), true),
            "ConstantOfShape" => ConstantOfShape(node, Required(node, inputs, 0, context), context),
            _ => throw context.UnsupportedNode(node),
        };
    }

    /// <summary>Axes given as an attribute (before opset 13) or as input 1 (from 13 on); null when absent.</summary>
    public static long[]? Axes(NodeProto node, IReadOnlyList<ConstTensor?> inputs, int opset) =>
        opset >= 13 || !NodeAttributes.Has(node, "axes") ? (inputs.Count > 1 ? inputs[1]?.ToLongs() : null) : NodeAttributes.Ints(node, "axes");

    private static ConstTensor Required(NodeProto node, IReadOnlyList<ConstTensor?> inputs, int index, ImportContext context) =>
        index < inputs.Count && inputs[index] is { } t ? t : throw context.InvalidNode(node, $"lacks its input {index}.");

    private static ConstTensor Cast(ConstTensor x, long to)
    {
        var type = (TensorProto.Types.DataType)to;
        bool integer = type is not (TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Double or TensorProto.Types.DataType.Float16 or TensorProto.Types.DataType.Bfloat16);
        var values = integer ? Array.ConvertAll(x.Values, v => type == TensorProto.Types.DataType.Bool ? (v != 0 ? 1.0 : 0.0) : Math.Truncate(v))
            : type == TensorProto.Types.DataType.Float ? Array.ConvertAll(x.Values, v => (double)(float)v) : x.Values;
        return new ConstTensor(x.Shape, values, integer);
    }

    private static ConstTensor Slice(NodeProto node, ConstTensor x, IReadOnlyList<ConstTensor?> inputs, int opset, ImportContext context)
    {
        long[] starts, ends;
        long[]? axes, steps = null;
        if (opset < 10)
        {
            starts = NodeAttributes.Ints(node, "starts") ?? throw context.InvalidNode(node, "has no starts.");
            ends = NodeAttributes.Ints(node, "ends") ?? throw context.InvalidNode(node, "has no ends.");
            axes = NodeAttributes.Ints(node, "axes");
        }
        else
        {
            starts = Required(node, inputs, 1, context).ToLongs();
            ends = Required(node, inputs, 2, context).ToLongs();
            axes = inputs.Count > 3 ? inputs[3]?.ToLongs() : null;
            steps = inputs.Count > 4 ? inputs[4]?.ToLongs() : null;
        }
        var ranges = ShapeOps.SliceRanges(x.Shape, starts, ends, axes, steps, context, node);
        var shape = ranges.Select(r => r.Count).ToArray();
        var strides = Strides(x.Shape);
        var values = new double[shape.Aggregate(1, (a, b) => a * b)];
        var index = new int[shape.Length];
        for (int o = 0; o < values.Length; o++)
        {
            int source = 0;
            for (int d = 0; d < shape.Length; d++) source += (int)(ranges[d].Start + (long)index[d] * ranges[d].Step) * strides[d];
            values[o] = x.Values[source];
            Next(index, shape);
        }
        return new ConstTensor(shape, values, x.IsInteger);
    }

    private static ConstTensor Concat(NodeProto node, IReadOnlyList<ConstTensor?> inputs, ImportContext context)
    {
        var parts = inputs.Select((t, i) => t ?? throw context.InvalidNode(node, $"lacks its input {i}.")).ToArray();
        int rank = parts[0].Rank;
        int axis = ShapeOps.Axis(NodeAttributes.Int(node, "axis", 0), rank, context, node);
        foreach (var p in parts)
        {
            if (p.Rank != rank || Enumerable.Range(0, rank).Any(d => d != axis && p.Shape[d] != parts[0].Shape[d]))
            {
                throw context.InvalidNode(node, $"concatenates {p.ShapeText} with {parts[0].ShapeText} along axis {axis}; the other dimensions must agree.");
            }
        }
        var shape = (int[])parts[0].Shape.Clone();
        shape[axis] = parts.Sum(p => p.Shape[axis]);
        int outer = shape[..axis].Aggregate(1, (a, b) => a * b), inner = shape[(axis + 1)..].Aggregate(1, (a, b) => a * b);
        var values = new List<double>(shape.Aggregate(1, (a, b) => a * b));
        for (int o = 0; o < outer; o++)
        {
            foreach (var p in parts) values.AddRange(p.Values.AsSpan(o * p.Shape[axis] * inner, p.Shape[axis] * inner).ToArray());
        }
        return new ConstTensor(shape, values.ToArray(), parts.All(p => p.IsInteger));
    }

    /// <summary>Permutes the axes: output axis i is input axis <paramref name="perm"/>[i].</summary>
    public static ConstTensor Transpose(ConstTensor x, int[] perm)
    {
        var shape = perm.Select(p => x.Shape[p]).ToArray();
        var strides = Strides(x.Shape);
        var values = new double[x.Values.Length];
        var index = new int[shape.Length];
        for (int o = 0; o < values.Length; o++)
        {
            int source = 0;
            for (int d = 0; d < shape.Length; d++) source += index[d] * strides[perm[d]];
            values[o] = x.Values[source];
            Next(index, shape);
        }
        return new ConstTensor(shape, values, x.IsInteger);
    }

    private static ConstTensor Gather(NodeProto node, ConstTensor x, ConstTensor indices, ImportContext context)
    {
        int axis = ShapeOps.Axis(NodeAttributes.Int(node, "axis", 0), x.Rank, context, node);
        int n = x.Shape[axis];
        int outer = x.Shape[..axis].Aggregate(1, (a, b) => a * b), inner = x.Shape[(axis + 1)..].Aggregate(1, (a, b) => a * b);
        var shape = x.Shape[..axis].Concat(indices.Shape).Concat(x.Shape[(axis + 1)..]).ToArray();
        var values = new List<double>(shape.Aggregate(1, (a, b) => a * b));
        for (int o = 0; o < outer; o++)
        {
            foreach (long raw in indices.ToLongs())
            {
                long i = raw < 0 ? raw + n : raw;
                if (i < 0 || i >= n) throw context.InvalidNode(node, $"gathers index {raw} from an axis of {n}.");
                values.AddRange(x.Values.AsSpan((int)((o * n + i) * inner), inner).ToArray());
            }
        }
        return new ConstTensor(shape, values.ToArray(), x.IsInteger);
    }

    private static ConstTensor ConstantOfShape(NodeProto node, ConstTensor shapeTensor, ImportContext context)
    {
        var shape = shapeTensor.ToLongs().Select(d => d is >= 0 and <= 1 << 24 ? (int)d : throw context.InvalidNode(node, $"asks for dimension {d}.")).ToArray();
        var fill = NodeAttributes.Find(node, "value") is { T: { } t } ? ConstTensor.FromProto(t, context, $"node '{ImportContext.NameOf(node)}' value") : null;
        if (fill is not null && fill.Values.Length != 1) throw context.InvalidNode(node, $"has a value of {fill.Values.Length} elements; expected one.");
        long count = shape.Aggregate(1L, (a, b) => a * b);
        if (count > 1 << 28) throw context.Unsupported($"node '{ImportContext.NameOf(node)}' makes a tensor of {count} elements, more than the importer folds (2²⁸).");
        var values = new double[count];
        Array.Fill(values, fill?.Values[0] ?? 0);
        return new ConstTensor(shape, values, fill?.IsInteger ?? false);
    }

    private static int[] Strides(int[] shape) => ConstTensor.Strides(shape);

    /// <summary>Advances a row-major multi-index.</summary>
    private static void Next(int[] index, int[] shape)
    {
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            if (++index[d] < shape[d]) return;
            index[d] = 0;
        }
    }
}
