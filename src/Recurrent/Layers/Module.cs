using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Tensors;

namespace Recurrent.Layers;

/// <summary>
/// A trainable component that owns named parameters and sub-modules, as PyTorch's <c>nn.Module</c>: names compose with
/// dots (<c>rnn.weight_ih_l0</c>), so any model's weights can be saved, loaded and compared with PyTorch by name.
/// </summary>
/// <remarks>
/// <para>
/// A module registers its parameters and children in its constructor (<see cref="RegisterParameter"/>,
/// <see cref="RegisterModule{TModule}"/>); a child's parameters are then named <c>child.name</c> with no prefix written
/// by hand, and <see cref="Train"/>, <see cref="Eval"/>, <see cref="ZeroGrad"/>, <see cref="StateDict"/> reach the
/// whole tree.
/// </para>
/// <para>
/// One switch selects inference: after <see cref="Eval"/>, dropout is off and no activation is kept for a backward
/// pass (the fused recurrent kernels run their inference path); <see cref="Train"/> turns both back on. Modules start
/// in training mode, as in PyTorch.
/// </para>
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public abstract class Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly List<(string Name, Variable<T> Parameter)> _parameters = [];
    private readonly List<(string Name, Module<T> Module)> _children = [];
    private (string Name, Variable<T> Parameter)[]? _named;
    private Variable<T>[]? _flat;

    /// <summary>Every parameter with its full dotted name, this module's first, then each sub-module's in order.</summary>
    /// <returns>The named parameters (the same list on every call).</returns>
    public IReadOnlyList<(string Name, Variable<T> Parameter)> NamedParameters()
    {
        if (_named is not null) return _named;
        var all = new List<(string, Variable<T>)>(_parameters);
        foreach (var (prefix, child) in _children)
        {
            foreach (var (name, p) in child.NamedParameters()) all.Add((prefix + "." + name, p));
        }
        return _named = all.ToArray();
    }

    /// <summary>Every parameter, in the order of <see cref="NamedParameters"/>.</summary>
    /// <returns>The parameters (the same list on every call).</returns>
    public IReadOnlyList<Variable<T>> Parameters() => _flat ??= NamedParameters().Select(p => p.Parameter).ToArray();

    /// <summary>
    /// Whether the module is in training mode (dropout active, activations kept for backward) or evaluation mode
    /// (inference: neither). Set for the whole tree by <see cref="Train"/> and <see cref="Eval"/>.
    /// </summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Puts this module and every sub-module in training mode (not a quantized copy: see <see cref="IsQuantized"/>).</summary>
    public void Train()
    {
        if (IsQuantized) throw new InvalidOperationException(Cells.QuantizedMessages.Training);
        SetMode(true);
    }

    /// <summary>
    /// Whether this module belongs to an int8 copy made by <c>Quantize()</c>: it infers only, and <see cref="Train"/>
    /// (so <c>Fit</c>) and backward fail with one line.
    /// </summary>
    public bool IsQuantized { get; internal set; }

    /// <summary>
    /// Puts this module and every sub-module in evaluation mode: no dropout, and no activation saved for a backward
    /// pass (a forward then records nothing a backward could use, and allocates nothing once warm).
    /// </summary>
    public void Eval() => SetMode(false);

    private void SetMode(bool training)
    {
        IsTraining = training;
        foreach (var (_, child) in _children) child.SetMode(training);
    }

    /// <summary>
    /// How a model file describes this module, for modules that <c>Model.Load</c> can rebuild from a file (the
    /// library's models); null (the default) for a module whose file holds only its weights, which
    /// <c>LoadWeights</c> (<c>Serialization.ModuleFiles</c>) reads back into an instance built by the caller.
    /// </summary>
    /// <returns>The description, or null.</returns>
    public virtual ModelDescription? Describe() => null;

    /// <summary>The sub-modules registered directly under this one, with their names.</summary>
    public IReadOnlyList<(string Name, Module<T> Module)> Children => _children;

    /// <summary>The total number of scalar weights.</summary>
    public long ParameterCount => NamedParameters().Sum(p => (long)p.Parameter.Value.Length);

    /// <summary>Forgets every parameter's gradient (see <see cref="Variable{T}.ZeroGrad"/>).</summary>
    public void ZeroGrad()
    {
        var all = Parameters();
        for (int i = 0; i < all.Count; i++) all[i].ZeroGrad();
    }

    /// <summary>Sets whether every parameter requires a gradient (false freezes the module, or makes a forward pure inference).</summary>
    /// <param name="requiresGrad">The new setting.</param>
    public void RequiresGrad(bool requiresGrad)
    {
        var all = Parameters();
        for (int i = 0; i < all.Count; i++) all[i].RequiresGrad = requiresGrad;
    }

    /// <summary>The parameters' values by name (the tensors themselves, not copies).</summary>
    /// <returns>A name → tensor map.</returns>
    public Dictionary<string, Tensor<T>> StateDict() => NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Value);

    /// <summary>
    /// Copies parameter values from <paramref name="values"/> by name. Every parameter must be present with its exact
    /// shape; with <paramref name="strict"/>, no other name may be present either.
    /// </summary>
    /// <param name="values">Name → tensor (PyTorch's <c>state_dict</c> names).</param>
    /// <param name="strict">Reject names this module does not have.</param>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor<T>> values, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(values);
        var named = NamedParameters();
        foreach (var (name, p) in named)
        {
            if (!values.TryGetValue(name, out var v))
            {
                throw new ArgumentException($"Parameter '{name}' is missing; expected a tensor of shape {Tensor<T>.ShapeText(p.Shape)}.", nameof(values));
            }
            if (!v.SameShape(p.Value))
            {
                throw new ArgumentException($"Parameter '{name}' has shape {Tensor<T>.ShapeText(v.Shape)}; expected {Tensor<T>.ShapeText(p.Shape)}.", nameof(values));
            }
        }
        if (strict)
        {
            var known = named.Select(p => p.Name).ToHashSet();
            foreach (var name in values.Keys)
            {
                if (!known.Contains(name)) throw new ArgumentException($"Unexpected parameter '{name}': this model has no such weight.", nameof(values));
            }
        }
        foreach (var (name, p) in named) p.Value.CopyFrom(values[name]);
    }

    /// <summary>Registers a parameter under <paramref name="name"/>.</summary>
    /// <param name="name">Its name within this module.</param>
    /// <param name="parameter">The parameter.</param>
    /// <returns><paramref name="parameter"/>.</returns>
    protected Variable<T> RegisterParameter(string name, Variable<T> parameter)
    {
        if (_parameters.Any(p => p.Name == name)) throw new InvalidOperationException($"A parameter named '{name}' is already registered.");
        parameter.Name ??= name;
        _parameters.Add((name, parameter));
        _named = null;
        _flat = null;
        return parameter;
    }

    /// <summary>Registers a sub-module whose parameters are named <c>name.…</c>.</summary>
    /// <typeparam name="TModule">Its type.</typeparam>
    /// <param name="name">Its name within this module.</param>
    /// <param name="module">The sub-module.</param>
    /// <returns><paramref name="module"/>.</returns>
    protected TModule RegisterModule<TModule>(string name, TModule module) where TModule : Module<T>
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(module);
        if (name.Contains('.', StringComparison.Ordinal)) throw new ArgumentException($"Module name '{name}' contains a dot, which separates the levels of parameter names.", nameof(name));
        if (_children.Any(c => c.Name == name)) throw new InvalidOperationException($"A sub-module named '{name}' is already registered.");
        module.SetMode(IsTraining);
        _children.Add((name, module));
        _named = null;
        _flat = null;
        return module;
    }
}
