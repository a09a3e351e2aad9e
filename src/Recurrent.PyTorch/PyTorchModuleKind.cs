namespace Recurrent.PyTorch;

/// <summary>The <c>torch.nn</c> classes an architecture for <see cref="PyTorchImporter"/> may name.</summary>
public enum PyTorchModuleKind
{
    /// <summary><c>nn.Embedding(V, E)</c>: <c>weight</c> (V, E).</summary>
    Embedding,

    /// <summary><c>nn.LSTM</c>: gates i, f, g, o, as Recurrent's <c>CellKind.Lstm</c>.</summary>
    Lstm,

    /// <summary><c>nn.GRU</c>: gates r, z, n with the reset applied after W_hn, as Recurrent's <c>CellKind.CudnnGru</c>.</summary>
    Gru,

    /// <summary><c>nn.RNN</c> (Elman), tanh or relu: Recurrent's <c>CellKind.Elman</c>.</summary>
    Rnn,

    /// <summary><c>nn.Linear(in, out)</c>: <c>weight</c> (out, in), <c>bias</c> (out).</summary>
    Linear,
}
