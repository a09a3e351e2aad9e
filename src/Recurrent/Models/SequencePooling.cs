namespace Recurrent.Models;

/// <summary>What a <see cref="Sequential{T}"/> passes from its recurrent layers to its head.</summary>
public enum SequencePooling
{
    /// <summary>Each sequence's last step (N-1, the lecture's "último paso").</summary>
    LastStep,

    /// <summary>The mean over each sequence's steps (N-1, "promedio").</summary>
    Mean,

    /// <summary>Every step (N-N): the head scores each step.</summary>
    AllSteps,
}
