using System.Globalization;
using Recurrent.Tensors;

namespace Recurrent.Data;

/// <summary>
/// Named values and tensors that a <see cref="IResumable"/> keeps in a training checkpoint (stored as safetensors
/// metadata and tensors under a reserved prefix, apart from the model's weights).
/// </summary>
public sealed class TrainingState
{
    /// <summary>Strings by name.</summary>
    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>Tensors by name.</summary>
    public Dictionary<string, Tensor<float>> Tensors { get; } = new(StringComparer.Ordinal);

    /// <summary>Stores an integer.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="value">The value.</param>
    public void Set(string name, long value) => Values[name] = value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads an integer stored by <see cref="Set(string, long)"/>.</summary>
    /// <param name="name">Its name.</param>
    /// <returns>The value.</returns>
    /// <exception cref="InvalidDataException">It is missing or not an integer.</exception>
    public long GetInt64(string name) =>
        Values.TryGetValue(name, out string? text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) ? value
        : throw new InvalidDataException($"training state '{name}' is missing or not an integer.");

    /// <summary>Stores a random generator's state.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="rng">The generator.</param>
    public void Set(string name, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Values[name] = string.Join(' ', rng.State.Select(w => w.ToString("x16", CultureInfo.InvariantCulture)));
    }

    /// <summary>Restores a random generator's state stored by <see cref="Set(string, Rng)"/>.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="rng">The generator to restore.</param>
    /// <exception cref="InvalidDataException">It is missing or malformed.</exception>
    public void Restore(string name, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (!Values.TryGetValue(name, out string? text)) throw new InvalidDataException($"training state '{name}' is missing.");
        string[] parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var words = new ulong[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!ulong.TryParse(parts[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out words[i]))
            {
                throw new InvalidDataException($"training state '{name}' word {i} is '{parts[i]}'; expected hexadecimal digits.".ReplaceLineEndings(" "));
            }
        }
        try
        {
            rng.State = words;
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"training state '{name}': {e.Message}", e);
        }
    }
}
