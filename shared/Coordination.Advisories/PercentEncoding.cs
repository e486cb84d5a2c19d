using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Coordination.Advisories;

/// <summary>
/// Strict percent-decoding of purl text: every '%' followed by two hex digits, and the bytes they give whole UTF-8
/// characters. <see cref="Uri.UnescapeDataString(string)"/> leaves what it cannot decode as written ("%zz", "%C3"
/// alone), which would be stored re-encoded as "%25zz".
/// </summary>
public static class PercentEncoding
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool TryDecode(string text, [NotNullWhen(true)] out string? decoded)
    {
        decoded = text;
        if (!text.Contains('%')) return true;
        decoded = null;
        try
        {
            // '%' and hex digits are ASCII, and no byte of a multi-byte UTF-8 sequence is: the bytes can be scanned one by one.
            var bytes = StrictUtf8.GetBytes(text);
            var n = 0;
            for (var i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] != '%') bytes[n++] = bytes[i];
                else if (i + 2 < bytes.Length && byte.TryParse(bytes.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
                {
                    bytes[n++] = b;
                    i += 2;
                }
                else return false;
            }
            decoded = StrictUtf8.GetString(bytes, 0, n);
            return true;
        }
        catch (ArgumentException) { return false; } // Encoder/DecoderFallbackException: a lone surrogate, bytes that are not UTF-8
    }

    /// <summary>A purl component as the spec writes it: everything but letters, digits and "-._~:" percent-encoded.</summary>
    public static string EncodePurlComponent(string component) =>
        Uri.EscapeDataString(component).Replace("%3A", ":", StringComparison.Ordinal);
}
