using System.Globalization;
using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Tensors;

namespace Recurrent.Optimizers;

/// <summary>
/// A first-order optimizer, as PyTorch's <c>torch.optim.Optimizer</c>: after a backward pass has left <c>g = ∂L/∂θ</c> in
/// each parameter's <see cref="Variable{T}.Grad"/>, <see cref="Step"/> moves every parameter θ against its gradient by
/// the rule of the concrete optimizer (<see cref="Sgd{T}"/>, <see cref="Adam{T}"/>, <see cref="AdamW{T}"/>,
/// <see cref="RmsProp{T}"/>, <see cref="Adagrad{T}"/>).
/// </summary>
/// <remarks>
/// <para>
/// A training step is <c>optimizer.ZeroGrad(); tape.Backward(loss); optimizer.Step();</c>, with
/// <see cref="LearningRate"/> set from a schedule before the step if there is one. A parameter without a gradient
/// (one the loss did not reach) is skipped: neither it nor its state changes, and its step count t does not advance,
/// exactly as in PyTorch.
/// </para>
/// <para>
/// Each parameter's state (moment estimates, momentum buffers) is created at its first update and its t counts its own
/// updates. <see cref="StateDict"/> and <see cref="LoadStateDict"/> export and import that state by parameter name, for
/// checkpoints. Hyperparameters are not state: a resumed run constructs its optimizer with the same options.
/// </para>
/// <para>
/// A warm <see cref="Step"/> allocates nothing. Updates are sequences of vectorised <see cref="TensorPrimitives"/>
/// operations (fused where it offers fusion: <c>MultiplyAdd</c>, <c>Lerp</c>), over scratch buffers the optimizer keeps.
/// </para>
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public abstract class Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly (string Name, Variable<T> Parameter)[] _parameters;
    private readonly string[] _stateNames;
    private readonly Tensor<T>[]?[] _state;
    private readonly long[] _steps;
    private T[] _scratch = [];
    private int _scratchStride;
    private double _learningRate;

    /// <summary>Sets up an optimizer of <paramref name="parameters"/>, with no state yet.</summary>
    /// <param name="parameters">Each parameter with a unique name (<see cref="Layers.Module{T}.NamedParameters"/>).</param>
    /// <param name="learningRate">The initial learning rate η.</param>
    /// <param name="stateNames">The names of the state tensors each parameter gets, PyTorch's (<c>exp_avg</c>, …).</param>
    protected Optimizer(IReadOnlyList<(string Name, Variable<T> Parameter)> parameters, double learningRate, params string[] stateNames)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(stateNames);
        _parameters = [.. parameters];
        var names = new HashSet<string>(StringComparer.Ordinal);
        var variables = new HashSet<Variable<T>>(ReferenceEqualityComparer.Instance);
        foreach (var (name, parameter) in _parameters)
        {
            if (string.IsNullOrEmpty(name)) throw new ArgumentException("Every parameter needs a non-empty name.", nameof(parameters));
            ArgumentNullException.ThrowIfNull(parameter, nameof(parameters));
            if (!names.Add(name)) throw new ArgumentException($"Two parameters are named '{name}'; names must be unique.", nameof(parameters));
            if (!variables.Add(parameter)) throw new ArgumentException($"Parameter '{name}' appears twice; each would be updated twice per step.", nameof(parameters));
        }
        LearningRate = learningRate;
        _stateNames = stateNames;
        _state = new Tensor<T>[]?[_parameters.Length];
        _steps = new long[_parameters.Length];
    }

    /// <summary>The optimizer's PyTorch class name: <c>SGD</c>, <c>Adam</c>, <c>AdamW</c>, <c>RMSprop</c>, <c>Adagrad</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>The learning rate η of the next <see cref="Step"/>; a schedule sets it before each step.</summary>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            Check.NonNegative(value, nameof(LearningRate));
            _learningRate = value;
        }
    }

    /// <summary>The parameters this optimizer updates, with the names its state is exported under.</summary>
    public IReadOnlyList<(string Name, Variable<T> Parameter)> Parameters => _parameters;

    /// <summary>Updates every parameter that has a gradient, by the optimizer's rule, and advances its step count t.</summary>
    public void Step()
    {
        for (int i = 0; i < _parameters.Length; i++)
        {
            var parameter = _parameters[i].Parameter;
            if (parameter.Grad is not { } grad) continue;
            var state = _state[i] ??= NewState(parameter.Value);
            Update(parameter.Value.Span, grad.Span, state, ++_steps[i]);
        }
    }

    /// <summary>Forgets every parameter's gradient (<see cref="Variable{T}.ZeroGrad"/>), before the next backward pass.</summary>
    public void ZeroGrad()
    {
        foreach (var (_, parameter) in _parameters) parameter.ZeroGrad();
    }

    /// <summary>
    /// The optimizer's state: the learning rate, each updated parameter's step count, and its state tensors — the live
    /// tensors, not copies, so save or clone them before the next <see cref="Step"/>.
    /// </summary>
    /// <returns>The state, keyed by parameter name.</returns>
    public OptimizerState<T> StateDict()
    {
        var steps = new Dictionary<string, long>(StringComparer.Ordinal);
        var buffers = new Dictionary<string, Tensor<T>>(StringComparer.Ordinal);
        for (int i = 0; i < _parameters.Length; i++)
        {
            if (_state[i] is not { } state) continue;
            string name = _parameters[i].Name;
            steps[name] = _steps[i];
            for (int s = 0; s < _stateNames.Length; s++) buffers[name + "." + _stateNames[s]] = state[s];
        }
        return new OptimizerState<T>(Kind, LearningRate, steps, buffers);
    }

    /// <summary>
    /// Replaces the optimizer's state with a copy of <paramref name="state"/> (as exported by <see cref="StateDict"/>,
    /// possibly through a checkpoint). Parameters absent from it start afresh. Nothing changes if it does not fit.
    /// </summary>
    /// <param name="state">A state of the same <see cref="Kind"/>, for parameters of the same names and shapes.</param>
    public void LoadStateDict(OptimizerState<T> state)
    {
        if (CheckState(state) is { } problem) throw new ArgumentException(problem, nameof(state));
        LearningRate = state.LearningRate;
        for (int i = 0; i < _parameters.Length; i++)
        {
            string name = _parameters[i].Name;
            if (!state.Steps.TryGetValue(name, out long steps))
            {
                _state[i] = null;
                _steps[i] = 0;
                continue;
            }
            var buffers = _state[i] ??= NewState(_parameters[i].Parameter.Value);
            for (int s = 0; s < _stateNames.Length; s++) buffers[s].CopyFrom(state.Buffers[name + "." + _stateNames[s]]);
            _steps[i] = steps;
        }
    }

    /// <summary>
    /// Why <paramref name="state"/> cannot be loaded into this optimizer, in one sentence naming the first problem and
    /// what was expected; null when it can.
    /// </summary>
    /// <param name="state">The state to check.</param>
    /// <returns>The problem, or null.</returns>
    internal string? CheckState(OptimizerState<T> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Kind != Kind) return $"the optimizer state is {state.Kind}'s; this optimizer is {Kind}.";
        if (!(state.LearningRate >= 0) || double.IsInfinity(state.LearningRate)) return $"the optimizer state's learning rate is {state.LearningRate}; expected a finite, non-negative value.";
        var byName = new Dictionary<string, Variable<T>>(StringComparer.Ordinal);
        foreach (var (name, parameter) in _parameters) byName[name] = parameter;
        foreach (var (name, steps) in state.Steps)
        {
            if (!byName.TryGetValue(name, out var parameter)) return $"the optimizer state has parameter '{name}', which this optimizer does not update.";
            if (steps < 1) return $"the optimizer state gives '{name}' {steps} steps; expected at least 1.";
            foreach (string stateName in _stateNames)
            {
                string key = name + "." + stateName;
                if (!state.Buffers.TryGetValue(key, out var buffer)) return $"the optimizer state has no {key}; {Kind} expects one of shape {Tensor<T>.ShapeText(parameter.Shape)}.";
                if (!buffer.SameShape(parameter.Value)) return $"the optimizer state has {key} {Tensor<T>.ShapeText(buffer.Shape)}; this parameter is {Tensor<T>.ShapeText(parameter.Shape)}.";
            }
        }
        foreach (string key in state.Buffers.Keys)
        {
            int dot = key.LastIndexOf('.');
            bool known = dot > 0 && state.Steps.ContainsKey(key[..dot]) && Array.IndexOf(_stateNames, key[(dot + 1)..]) >= 0;
            if (!known) return $"the optimizer state has {key}, which {Kind} does not keep (it keeps {StateNamesText()} per updated parameter).";
        }
        return null;
    }

    /// <summary>
    /// The update of one parameter: θ ← θ − η·(…) by the optimizer's rule, reading the gradient and updating the
    /// parameter's state tensors in place.
    /// </summary>
    /// <param name="parameter">θ, updated in place.</param>
    /// <param name="gradient">g = ∂L/∂θ; read only (PyTorch leaves <c>.grad</c> untouched too).</param>
    /// <param name="state">The parameter's state tensors, in the order of the names given to the constructor.</param>
    /// <param name="step">t, this parameter's update count including this one (1 on its first update).</param>
    protected abstract void Update(Span<T> parameter, ReadOnlySpan<T> gradient, Tensor<T>[] state, long step);

    /// <summary>Sets a parameter's freshly created state tensors; they start at zero unless overridden.</summary>
    /// <param name="state">The new state tensors, zero-filled, shaped as the parameter.</param>
    protected virtual void InitializeState(Tensor<T>[] state) { }

    /// <summary>
    /// Scratch space for an update: <paramref name="length"/> elements of buffer <paramref name="slot"/> (0 or 1),
    /// kept from step to step. Its content is undefined on entry.
    /// </summary>
    /// <param name="slot">Which of the two scratch buffers.</param>
    /// <param name="length">The number of elements, the parameter's length.</param>
    /// <returns>The scratch span.</returns>
    protected Span<T> Scratch(int slot, int length)
    {
        if ((uint)slot > 1) throw new ArgumentOutOfRangeException(nameof(slot), $"slot must be 0 or 1; got {slot}.");
        if (length > _scratchStride)
        {
            _scratchStride = length;
            foreach (var (_, p) in _parameters) _scratchStride = Math.Max(_scratchStride, p.Value.Length);
            _scratch = new T[2 * _scratchStride];
        }
        return _scratch.AsSpan(slot * _scratchStride, length);
    }

    /// <summary>Names parameters by position, <c>0</c>, <c>1</c>, … (as PyTorch's optimizer state does).</summary>
    /// <param name="parameters">The parameters.</param>
    /// <returns>The parameters with their names.</returns>
    protected static IReadOnlyList<(string Name, Variable<T> Parameter)> ByPosition(IReadOnlyList<Variable<T>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var named = new (string, Variable<T>)[parameters.Count];
        for (int i = 0; i < named.Length; i++) named[i] = (i.ToString(CultureInfo.InvariantCulture), parameters[i]);
        return named;
    }

    /// <summary>Converts a hyperparameter computed in double (as PyTorch's Python floats) to the element type.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The value in <typeparamref name="T"/>.</returns>
    protected static T Scalar(double value) => T.CreateTruncating(value);

    private Tensor<T>[] NewState(Tensor<T> like)
    {
        var state = new Tensor<T>[_stateNames.Length];
        for (int s = 0; s < state.Length; s++) state[s] = new Tensor<T>(like.Shape.ToArray());
        InitializeState(state);
        return state;
    }

    private string StateNamesText() => _stateNames.Length == 0 ? "nothing" : string.Join(", ", _stateNames);
}
