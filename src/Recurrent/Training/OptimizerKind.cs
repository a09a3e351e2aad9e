namespace Recurrent.Training;

/// <summary>The optimizer a <see cref="Trainer{TBatch}"/> builds (PyTorch's names and defaults; see <c>Optimizers/</c>).</summary>
public enum OptimizerKind
{
    /// <summary>Adam (Kingma and Ba, 2015).</summary>
    Adam,

    /// <summary>AdamW: Adam with decoupled weight decay (Loshchilov and Hutter, 2019).</summary>
    AdamW,

    /// <summary>Stochastic gradient descent, with optional momentum.</summary>
    Sgd,

    /// <summary>RMSprop (Hinton's lecture 6e).</summary>
    RmsProp,

    /// <summary>Adagrad (Duchi et al., 2011).</summary>
    Adagrad,
}
