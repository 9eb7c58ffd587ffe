namespace Clipper.Core.Transcripts;

/// <summary>
/// Spoken languages as the transcript keeps them: ISO 639-1 codes ("de"). Recognisers name them differently (Whisper's
/// verbose_json says "german"; a caption file "de-DE"; a site "de_DE"), so every name goes through <see cref="Code"/>.
/// The table is here rather than in <c>CultureInfo</c> because the service runs with invariant globalization, where
/// culture names are not known; it holds the languages Whisper recognises.
/// </summary>
public static class Languages
{
    public const string English = "en";

    private static readonly (string Code, string Name)[] Table =
    [
        ("af", "Afrikaans"), ("am", "Amharic"), ("ar", "Arabic"), ("as", "Assamese"), ("az", "Azerbaijani"), ("ba", "Bashkir"),
        ("be", "Belarusian"), ("bg", "Bulgarian"), ("bn", "Bengali"), ("bo", "Tibetan"), ("br", "Breton"), ("bs", "Bosnian"),
        ("ca", "Catalan"), ("cs", "Czech"), ("cy", "Welsh"), ("da", "Danish"), ("de", "German"), ("el", "Greek"), ("en", "English"),
        ("es", "Spanish"), ("et", "Estonian"), ("eu", "Basque"), ("fa", "Persian"), ("fi", "Finnish"), ("fo", "Faroese"),
        ("fr", "French"), ("gl", "Galician"), ("gu", "Gujarati"), ("ha", "Hausa"), ("he", "Hebrew"), ("hi", "Hindi"),
        ("hr", "Croatian"), ("ht", "Haitian Creole"), ("hu", "Hungarian"), ("hy", "Armenian"), ("id", "Indonesian"),
        ("is", "Icelandic"), ("it", "Italian"), ("ja", "Japanese"), ("jv", "Javanese"), ("ka", "Georgian"), ("kk", "Kazakh"),
        ("km", "Khmer"), ("kn", "Kannada"), ("ko", "Korean"), ("la", "Latin"), ("lb", "Luxembourgish"), ("ln", "Lingala"),
        ("lo", "Lao"), ("lt", "Lithuanian"), ("lv", "Latvian"), ("mg", "Malagasy"), ("mi", "Maori"), ("mk", "Macedonian"),
        ("ml", "Malayalam"), ("mn", "Mongolian"), ("mr", "Marathi"), ("ms", "Malay"), ("mt", "Maltese"), ("my", "Burmese"),
        ("ne", "Nepali"), ("nl", "Dutch"), ("nn", "Norwegian Nynorsk"), ("no", "Norwegian"), ("oc", "Occitan"), ("pa", "Punjabi"),
        ("pl", "Polish"), ("ps", "Pashto"), ("pt", "Portuguese"), ("ro", "Romanian"), ("ru", "Russian"), ("sa", "Sanskrit"),
        ("sd", "Sindhi"), ("si", "Sinhala"), ("sk", "Slovak"), ("sl", "Slovenian"), ("sn", "Shona"), ("so", "Somali"),
        ("sq", "Albanian"), ("sr", "Serbian"), ("su", "Sundanese"), ("sv", "Swedish"), ("sw", "Swahili"), ("ta", "Tamil"),
        ("te", "Telugu"), ("tg", "Tajik"), ("th", "Thai"), ("tk", "Turkmen"), ("tl", "Tagalog"), ("tr", "Turkish"), ("tt", "Tatar"),
        ("uk", "Ukrainian"), ("ur", "Urdu"), ("uz", "Uzbek"), ("vi", "Vietnamese"), ("yi", "Yiddish"), ("yo", "Yoruba"),
        ("zh", "Chinese"), ("yue", "Cantonese"), ("haw", "Hawaiian"),
    ];

    private static readonly Dictionary<string, string> NameOf = Table.ToDictionary(t => t.Code, t => t.Name, StringComparer.Ordinal);

    private static readonly Dictionary<string, string> CodeOf = Table
        .Select(t => (Key: t.Name.ToLowerInvariant(), t.Code)).Concat<(string Key, string Code)>([("mandarin", "zh"), ("castilian", "es"), ("flemish", "nl"),
            ("moldavian", "ro"), ("moldovan", "ro"), ("pushto", "ps"), ("panjabi", "pa"), ("letzeburgesch", "lb"), ("valencian", "ca"),
            ("sinhalese", "si"), ("myanmar", "my"), ("haitian", "ht")])
        .DistinctBy(t => t.Key)
        .ToDictionary(t => t.Key, t => t.Code, StringComparer.Ordinal);

    /// <summary>
    /// The ISO 639-1 code of a language named by a code ("de", "de-DE", "de_DE", "pt-BR", "iw") or an English name
    /// ("german", "German"); null when it is empty or unknown.
    /// </summary>
    public static string? Code(string? nameOrCode)
    {
        var s = nameOrCode?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(s))
        {
            return null;
        }

        if (CodeOf.TryGetValue(s, out var byName))
        {
            return byName;
        }

        // a region, script or YouTube's "-orig" after the language: de-DE, zh-Hans, en-orig
        var primary = s.Split('-', '_')[0];
        if (primary.Length is < 2 or > 3)
        {
            return null;
        }

        return primary switch
        {
            "iw" => "he",
            "jw" => "jv", // Whisper's code for Javanese
            "nb" => "no",
            _ when NameOf.ContainsKey(primary) => primary,
            _ => null,
        };
    }

    /// <summary>The language's English name ("de" → "German"); English when the code is null or unknown.</summary>
    public static string EnglishName(string? code) =>
        Code(code) is { } c && NameOf.TryGetValue(c, out var name) ? name : "English";

    /// <summary>Whether a code names a language other than English (null, unknown: not known to be other).</summary>
    public static bool IsOtherThanEnglish(string? code) => Code(code) is { } c && c != English;
}
