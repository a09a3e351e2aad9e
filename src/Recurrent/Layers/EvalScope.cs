using System.Numerics;

namespace Recurrent.Layers;

/// <summary>
/// Puts a module in evaluation mode for the length of a <c>using</c> block and restores its mode afterwards, so that
/// inference helpers (<c>Predict</c>, evaluators) leave a model in training mode as they found it.
/// </summary>
/// <typeparam name="T">Element type.</typeparam>
internal readonly struct EvalScope<T> : IDisposable where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Module<T> _module;
    private readonly bool _wasTraining;

    public EvalScope(Module<T> module)
    {
        _module = module;
        _wasTraining = module.IsTraining;
        if (_wasTraining) module.Eval();
    }

    public void Dispose()
    {
        if (_wasTraining) _module.Train();
    }
}
