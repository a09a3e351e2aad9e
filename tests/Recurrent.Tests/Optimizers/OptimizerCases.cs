using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Optimizers;

namespace Recurrent.Tests.Optimizers;

/// <summary>The optimizer configurations every optimizer test runs, each with its naive reference.</summary>
public static class OptimizerCases
{
    public static readonly TheoryData<string> All =
    [
        "sgd", "sgd-momentum", "sgd-dampening", "sgd-nesterov-decay",
        "adam", "adam-decay", "adam-amsgrad",
        "adamw", "adamw-amsgrad",
        "rmsprop", "rmsprop-momentum", "rmsprop-centered", "rmsprop-centered-momentum-decay",
        "adagrad", "adagrad-decay",
    ];

    public static Optimizer<T> Create<T>(string id, IReadOnlyList<(string Name, Variable<T> Parameter)> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => id switch
    {
        _ when id.StartsWith("sgd", StringComparison.Ordinal) => new Sgd<T>(parameters, Sgd(id)),
        _ when id.StartsWith("adamw", StringComparison.Ordinal) => new AdamW<T>(parameters, Adam(id)),
        _ when id.StartsWith("adam", StringComparison.Ordinal) => new Adam<T>(parameters, Adam(id)),
        _ when id.StartsWith("rmsprop", StringComparison.Ordinal) => new RmsProp<T>(parameters, RmsProp(id)),
        _ => new Adagrad<T>(parameters, Adagrad(id)),
    };

    public static NaiveOptimizer Reference(string id)
    {
        NaiveOptimizer naive = id switch
        {
            _ when id.StartsWith("sgd", StringComparison.Ordinal) => new NaiveSgd(Sgd(id)),
            _ when id.StartsWith("adamw", StringComparison.Ordinal) => new NaiveAdam(Adam(id), decoupled: true),
            _ when id.StartsWith("adam", StringComparison.Ordinal) => new NaiveAdam(Adam(id), decoupled: false),
            _ when id.StartsWith("rmsprop", StringComparison.Ordinal) => new NaiveRmsProp(RmsProp(id)),
            _ => new NaiveAdagrad(Adagrad(id)),
        };
        naive.LearningRate = LearningRate(id);
        return naive;
    }

    public static double LearningRate(string id) => id switch
    {
        _ when id.StartsWith("sgd", StringComparison.Ordinal) => Sgd(id).LearningRate,
        _ when id.StartsWith("adam", StringComparison.Ordinal) => Adam(id).LearningRate,
        _ when id.StartsWith("rmsprop", StringComparison.Ordinal) => RmsProp(id).LearningRate,
        _ => Adagrad(id).LearningRate,
    };

    private static SgdOptions Sgd(string id) => id switch
    {
        "sgd-momentum" => new() { LearningRate = 0.05, Momentum = 0.9 },
        "sgd-dampening" => new() { LearningRate = 0.05, Momentum = 0.8, Dampening = 0.3 },
        "sgd-nesterov-decay" => new() { LearningRate = 0.05, Momentum = 0.9, Nesterov = true, WeightDecay = 0.1 },
        _ => new() { LearningRate = 0.1 },
    };

    private static AdamOptions Adam(string id) => id switch
    {
        "adam-decay" => new() { LearningRate = 0.01, WeightDecay = 0.1 },
        "adam-amsgrad" => new() { LearningRate = 0.01, Beta1 = 0.8, Beta2 = 0.9, AmsGrad = true },
        "adamw-amsgrad" => new() { LearningRate = 0.01, WeightDecay = 0.2, AmsGrad = true, Epsilon = 1e-6 },
        _ => new() { LearningRate = 0.01 },
    };

    private static RmsPropOptions RmsProp(string id) => id switch
    {
        "rmsprop-momentum" => new() { Momentum = 0.9 },
        "rmsprop-centered" => new() { Centered = true, Alpha = 0.9 },
        "rmsprop-centered-momentum-decay" => new() { Centered = true, Momentum = 0.5, WeightDecay = 0.1 },
        _ => new(),
    };

    private static AdagradOptions Adagrad(string id) => id switch
    {
        "adagrad-decay" => new() { LearningRate = 0.1, LearningRateDecay = 0.1, InitialAccumulatorValue = 0.5, WeightDecay = 0.1 },
        _ => new() { LearningRate = 0.1 },
    };
}
