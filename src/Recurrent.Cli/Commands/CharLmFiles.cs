using Recurrent.Data.Text;
using Recurrent.Models;

namespace Recurrent.Cli.Commands;

/// <summary>Reads the char-LM model files that <c>charlm sample</c> and <c>charlm eval</c> take.</summary>
internal static class CharLmFiles
{
    public static (CharLanguageModel<float> Model, CharVocabulary Vocabulary) Load(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"--checkpoint: {path} does not exist.");
        var model = Model.Load<CharLanguageModel<float>>(path);
        var vocabulary = model.Vocabulary ?? throw new InvalidDataException($"{Path.GetFileName(path)}: the model file has no vocabulary; the model cannot read or write text.");
        return (model, vocabulary);
    }
}
