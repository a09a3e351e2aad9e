using Recurrent.Cells;
using Recurrent.Data;
using Recurrent.Data.Text;
using Recurrent.Distributed;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Tensors;
using Recurrent.Training;

namespace Recurrent.Mpi.Tests;

/// <summary>
/// Data-parallel training is the same computation as one process on the whole batch: the ranks train a char-LM for K
/// steps on a global batch B that they share, then rank 0 alone trains the same model from the same seed on the same
/// batches without a group, and the weights must agree within 1e-5 (float sums in another order differ by rounding
/// only). B = 7 does not divide by 2, so the shards differ in size and the count-weighted mean is tested, not a plain
/// mean. Every rank must also end with bit-identical weights (they clip and step identically).
/// </summary>
internal static class EquivalenceTests
{
    private const int Batch = 7, Window = 12, Steps = 6;
    private const double Tolerance = 1e-5;

    public static void AddTo(MpiTestRunner runner)
    {
        foreach (var cell in new[] { CellKind.Lstm, CellKind.Gru })
        {
            foreach (bool stream in new[] { false, true })
            {
                string sampling = stream ? "stream (carried state)" : "random windows";
                runner.Add($"{cell} char-LM: {Steps} steps on 2 ranks × B = {Batch} ({sampling}) equal 1 process within {Tolerance}", g => Equivalent(g, cell, stream));
            }
        }
    }

    private static void Equivalent(MpiProcessGroup group, CellKind cell, bool stream)
    {
        var counting = new CountingGroup(group);
        var distributed = Train(counting, cell, stream);
        Check.True(counting.AllReduces >= Steps, $"the trainer made {counting.AllReduces} all-reduces in {Steps} steps; data-parallel training makes one per step at least.");
        // Every rank holds rank 0's bits.
        var root = (float[])distributed.Clone();
        group.Broadcast(root, 0);
        for (int i = 0; i < root.Length; i++)
        {
            Check.True(BitConverter.SingleToInt32Bits(root[i]) == BitConverter.SingleToInt32Bits(distributed[i]),
                $"rank {group.Rank}'s weight {i} is {distributed[i]}; rank 0's is {root[i]} (the ranks must step identically).");
        }
        if (group.Rank != 0) return;
        var single = Train(null, cell, stream);
        double worst = 0;
        int at = 0;
        for (int i = 0; i < single.Length; i++)
        {
            double d = Math.Abs(single[i] - distributed[i]);
            if (d > worst) (worst, at) = (d, i);
        }
        Check.True(worst <= Tolerance, $"weight {at} differs by {worst:E2} (1 process {single[at]}, 2 ranks {distributed[at]}); expected ≤ {Tolerance}.");
        double moved = 0;
        var initial = Weights(NewModel(cell));
        for (int i = 0; i < single.Length; i++) moved = Math.Max(moved, Math.Abs(single[i] - initial[i]));
        Check.True(moved > 100 * Tolerance, $"training moved no weight by more than {moved:E2}; the comparison would prove nothing.");
        Console.Error.WriteLine($"    largest difference {worst:E2} over {single.Length} weights (training moved them by up to {moved:E2})");
    }

    /// <summary>Trains a fresh model for <see cref="Steps"/> steps (with <paramref name="group"/>, or alone) and returns its weights.</summary>
    private static float[] Train(IProcessGroup? group, CellKind cell, bool stream)
    {
        var model = NewModel(cell);
        var corpus = Corpus();
        IBatchSource<TextBatch> source = stream
            ? new StreamBatcher(corpus, Batch, Window)
            : new RandomWindowBatcher(corpus, Batch, Window, new Rng(99));
        var trainer = new Trainer<TextBatch>(model, model.Loss, new TrainerOptions
        {
            Steps = Steps,
            LearningRate = 1e-2,
            ClipNorm = 0.5, // small enough to clip: the ranks must clip by the global norm
            Seed = 7,
            ProcessGroup = group,
        });
        trainer.Fit(source);
        return Weights(model);
    }

    private static CharLanguageModel<float> NewModel(CellKind cell) =>
        new(new CharModelConfig(Corpus().Vocabulary.Count, 8, new RecurrentSpec { Cell = cell, HiddenSize = 16, Layers = 2 }), new Rng(1234), Corpus().Vocabulary);

    private static CharCorpus Corpus()
    {
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < 60; i++) text.Append("line ").Append(i * 37 % 101).Append(": the quick brown fox jumps over the lazy dog;\n");
        return CharCorpus.FromText(text.ToString(), "fox", validationFraction: 0.1);
    }

    private static float[] Weights(CharLanguageModel<float> model)
    {
        var all = new List<float>();
        foreach (var (_, parameter) in model.NamedParameters()) all.AddRange(parameter.Value.Span.ToArray());
        return [.. all];
    }

    /// <summary>The group, counting its all-reduces: proof that the trainer took the data-parallel path.</summary>
    private sealed class CountingGroup(IProcessGroup inner) : IProcessGroup
    {
        public int AllReduces { get; private set; }

        public int Rank => inner.Rank;

        public int Size => inner.Size;

        public void AllReduce(Span<float> values, ReduceOperation operation = ReduceOperation.Sum)
        {
            AllReduces++;
            inner.AllReduce(values, operation);
        }

        public void Broadcast(Span<float> values, int root = 0) => inner.Broadcast(values, root);

        public void Barrier() => inner.Barrier();
    }
}
