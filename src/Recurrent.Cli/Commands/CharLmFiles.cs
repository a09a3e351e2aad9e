using Recurrent.Data.Text;
using Recurrent.Models;

namespace Recurrent.Cli.Commands;

/// <summary>Reads the char-LM model files that <c>charlm sample</c>, <c>charlm eval</c> and <c>charlm train --resume</c> take.</summary>
internal static class CharLmFiles
{
    /// <summary>
    /// The model in <paramref name="path"/> and its vocabulary. Besides what <see cref="Model.Load{TModel}(string)"/>
    /// checks, a weight that is NaN or infinite is refused naming its tensor: such a model (a diverged run, a damaged
    /// file) samples garbage and scores NaN.
    /// </summary>
    public static (CharLanguageModel<float> Model, CharVocabulary Vocabulary) Load(string path, string option = "--checkpoint", bool int8 = false)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) throw new UsageException($"{option}: {path} does not exist.");
        var model = CommonOptions.ReadInput(option, path, () => Model.Load<CharLanguageModel<float>>(path));
        string file = Path.GetFileName(path);
        foreach (var (name, parameter) in model.NamedParameters())
        {
            ReadOnlySpan<float> values = parameter.Value.Span;
            for (int i = 0; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i]))
                {
                    throw new InvalidDataException($"{file}: tensor '{name}' holds {values[i].ToString(System.Globalization.CultureInfo.InvariantCulture)} at element {i}; a model's weights must be finite (the run diverged, or the file is damaged).");
                }
            }
        }
        var vocabulary = model.Vocabulary ?? throw new InvalidDataException($"{file}: the model file has no vocabulary; the model cannot read or write text.");
        return (CommonOptions.Quantized(model, int8), vocabulary);
    }
}
