using BenchmarkDotNet.Attributes;
using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Tensors;

namespace Recurrent.Benchmarks;

/// <summary>
/// A recurrent layer's training step (zero gradients, forward, backward of <c>sum(output ⊙ R)</c>) on the fused
/// kernels against the reference path (each step recorded from the cell's equations), same run, with the memory
/// diagnoser: a warm fused step must allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class RnnBenchmarks
{
    private RecurrentLayer<float> _layer = null!;
    private Variable<float> _x = null!;
    private Tensor<float> _r = null!;
    private readonly Tape<float> _tape = new();

    [Params(CellKind.Lstm, CellKind.CudnnGru, CellKind.Gru, CellKind.Elman)]
    public CellKind Cell { get; set; }

    [Params("32x50x64x128")]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        int[] s = Shape.Split('x').Select(int.Parse).ToArray();
        var rng = new Rng(1);
        _layer = new RecurrentLayer<float>(s[2], new RecurrentSpec { Cell = Cell, HiddenSize = s[3] }, rng);
        _x = new Variable<float>(Tensor.Uniform<float>(rng, -1, 1, s[0], s[1], s[2]));
        _r = Tensor.Normal<float>(rng, 0, 1, s[0], s[1], s[3]);
    }

    [Benchmark(Baseline = true)]
    public void ReferenceTrainStep() => Step(fused: false);

    [Benchmark]
    public void FusedTrainStep() => Step(fused: true);

    private void Step(bool fused)
    {
        _layer.UseFusedKernels = fused;
        _tape.Reset();
        _layer.ZeroGrad();
        var result = _layer.Forward(_tape, _x);
        _tape.Backward((result.Output, _r));
    }
}
