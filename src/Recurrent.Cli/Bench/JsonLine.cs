using System.Globalization;
using System.Text;

namespace Recurrent.Cli.Bench;

/// <summary>Formats one benchmark result as a single JSON object, keys in the order given (the peers' format).</summary>
internal static class JsonLine
{
    public static string Format(params (string Key, object Value)[] fields)
    {
        var sb = new StringBuilder("{");
        for (int i = 0; i < fields.Length; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append('"').Append(fields[i].Key).Append("\":");
            sb.Append(fields[i].Value switch
            {
                string s => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"",
                bool b => b ? "true" : "false",
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                float f => f.ToString("R", CultureInfo.InvariantCulture),
                IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
                var x => "\"" + x + "\"",
            });
        }
        return sb.Append('}').ToString();
    }
}
