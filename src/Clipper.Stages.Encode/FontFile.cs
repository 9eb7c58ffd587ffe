using System.Buffers.Binary;
using System.Text;

namespace Clipper.Stages.Encode;

/// <summary>
/// The few facts of an OpenType/TrueType font file the captions need, read straight from its tables: the names
/// libass matches a style's font name against (<c>name</c> IDs 1, 4, 6, 16), and the horizontal advance of each
/// character (<c>cmap</c> → glyph, <c>hmtx</c> → advance) in the units libass sizes text in. libass (like
/// VSFilter) scales a font so that its Windows ascent + descent (<c>OS/2</c>; <c>hhea</c> when absent) equals the
/// style's font size, so an advance in pixels is <c>advance × fontSize / (winAscent + winDescent)</c>.
/// Kerning (GPOS) is not applied: caption words are short and the error is a pixel or two per pair.
/// </summary>
internal sealed class FontFile
{
    private readonly Dictionary<int, int> _glyphOf;
    private readonly ushort[] _advances;
    private readonly double _fallbackAdvance;

    private FontFile(string path, HashSet<string> names, Dictionary<int, int> glyphOf, ushort[] advances, int unitsPerEm, int height)
    {
        Path = path;
        Names = names;
        _glyphOf = glyphOf;
        _advances = advances;
        UnitsPerEm = unitsPerEm;
        Height = height;
        // a character the font lacks is drawn from another font by libass; guess the width of a typical capital
        var capitals = Enumerable.Range('A', 26).Select(c => Advance(c)).Where(a => a > 0).ToList();
        _fallbackAdvance = capitals.Count > 0 ? capitals.Average() : unitsPerEm * 0.6;
    }

    public string Path { get; }

    /// <summary>Family, full, PostScript and typographic family names, lower-cased.</summary>
    public IReadOnlySet<string> Names { get; }

    public int UnitsPerEm { get; }

    /// <summary>Ascent + descent in font units: the span libass makes equal to the font size.</summary>
    public int Height { get; }

    public bool HasMetrics => _advances.Length > 0 && Height > 0;

    /// <summary>The advance of one character in font units (0 when the font lacks it).</summary>
    public double Advance(int codepoint)
    {
        if (!_glyphOf.TryGetValue(codepoint, out int glyph) || _advances.Length == 0)
        {
            return 0;
        }

        return _advances[Math.Min(glyph, _advances.Length - 1)];
    }

    /// <summary>Whether the font has a glyph of its own for the character (not .notdef, the empty box).</summary>
    public bool Has(int codepoint) => _glyphOf.TryGetValue(codepoint, out int glyph) && glyph != 0;

    /// <summary>The advance width in pixels of <paramref name="text"/> drawn at ASS font size <paramref name="fontSize"/>.</summary>
    public double Width(string text, double fontSize)
    {
        double units = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            int cp = rune.Value;
            if (cp is 0x2060 or 0x200B)
            {
                continue; // zero-width joiners used by the escaping
            }

            double a = Advance(cp);
            units += a > 0 ? a : _fallbackAdvance;
        }

        return units * fontSize / Height;
    }

    /// <summary>
    /// The family, full, PostScript and typographic family names of every face in a font file, lower-cased: the
    /// names libass matches a style's font name against. Empty when the file is unreadable.
    /// </summary>
    public static IReadOnlySet<string> NamesOf(string path)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var data = System.IO.File.ReadAllBytes(path);
            foreach (var face in Faces(data))
            {
                ReadNames(data, face, names);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or IndexOutOfRangeException)
        {
            // not a font we can read: it contributes no names
        }

        return names;
    }

    /// <summary>Reads a font file (metrics of its first face, names of all); null when unreadable.</summary>
    public static FontFile? TryRead(string path)
    {
        try
        {
            var data = System.IO.File.ReadAllBytes(path);
            var names = new HashSet<string>(StringComparer.Ordinal);
            var faces = Faces(data);
            foreach (var face in faces)
            {
                ReadNames(data, face, names);
            }

            var (glyphOf, advances, unitsPerEm, height) = ReadMetrics(data, faces[0]);
            return new FontFile(path, names, glyphOf, advances, unitsPerEm, height);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Offsets of the faces in the file: one, or those of a collection ('ttcf').</summary>
    private static List<int> Faces(byte[] data)
    {
        if (U32(data, 0) != 0x74746366)
        {
            return [0];
        }

        int count = (int)Math.Min(U32(data, 8), 64);
        return Enumerable.Range(0, count).Select(i => (int)U32(data, 12 + 4 * i)).ToList();
    }

    private static int Table(byte[] data, int face, string tag)
    {
        uint wanted = BinaryPrimitives.ReadUInt32BigEndian(Encoding.ASCII.GetBytes(tag));
        int numTables = U16(data, face + 4);
        for (int t = 0; t < numTables; t++)
        {
            int rec = face + 12 + 16 * t;
            if (U32(data, rec) == wanted)
            {
                return (int)U32(data, rec + 8);
            }
        }

        return -1;
    }

    private static void ReadNames(byte[] data, int face, HashSet<string> names)
    {
        int table = Table(data, face, "name");
        if (table < 0)
        {
            return;
        }

        int count = U16(data, table + 2);
        int strings = table + U16(data, table + 4);
        for (int i = 0; i < count; i++)
        {
            int r = table + 6 + 12 * i;
            int platform = U16(data, r);
            int nameId = U16(data, r + 6);
            int length = U16(data, r + 8);
            int offset = U16(data, r + 10);
            if (nameId is not (1 or 4 or 6 or 16))
            {
                continue;
            }

            // Windows and Unicode platform names are UTF-16BE; Macintosh ones single-byte (Roman ~ Latin-1)
            var raw = data.AsSpan(strings + offset, length);
            string s = platform == 1 ? Encoding.Latin1.GetString(raw) : Encoding.BigEndianUnicode.GetString(raw);
            names.Add(s.Trim().ToLowerInvariant());
        }
    }

    private static (Dictionary<int, int>, ushort[], int, int) ReadMetrics(byte[] data, int face)
    {
        int head = Table(data, face, "head");
        int hhea = Table(data, face, "hhea");
        int hmtx = Table(data, face, "hmtx");
        int cmap = Table(data, face, "cmap");
        int os2 = Table(data, face, "OS/2");
        if (head < 0 || hhea < 0 || hmtx < 0 || cmap < 0)
        {
            return ([], [], 1000, 0);
        }

        int unitsPerEm = U16(data, head + 18);
        int height = 0;
        if (os2 >= 0)
        {
            // read as signed, as libass does (some fonts misuse these unsigned fields)
            height = (short)U16(data, os2 + 74) + (short)U16(data, os2 + 76);
        }

        if (height == 0)
        {
            height = (short)U16(data, hhea + 4) - (short)U16(data, hhea + 6);
        }

        int numberOfHMetrics = U16(data, hhea + 34);
        var advances = new ushort[numberOfHMetrics];
        for (int i = 0; i < numberOfHMetrics; i++)
        {
            advances[i] = U16(data, hmtx + 4 * i);
        }

        return (ReadCmap(data, cmap), advances, unitsPerEm, height);
    }

    /// <summary>The Unicode character → glyph map, from a format 12 (full Unicode) or format 4 (BMP) subtable.</summary>
    private static Dictionary<int, int> ReadCmap(byte[] data, int cmap)
    {
        int numTables = U16(data, cmap + 2);
        int best = -1;
        int bestRank = 0;
        for (int i = 0; i < numTables; i++)
        {
            int rec = cmap + 4 + 8 * i;
            int platform = U16(data, rec);
            int encoding = U16(data, rec + 2);
            int sub = cmap + (int)U32(data, rec + 4);
            int format = U16(data, sub);
            bool unicode = platform == 0 || (platform == 3 && encoding is 1 or 10);
            int rank = !unicode ? 0 : format == 12 ? 2 : format == 4 ? 1 : 0;
            if (rank > bestRank)
            {
                best = sub;
                bestRank = rank;
            }
        }

        var map = new Dictionary<int, int>();
        if (best < 0)
        {
            return map;
        }

        if (bestRank == 2)
        {
            long groups = U32(data, best + 12);
            for (long g = 0; g < groups; g++)
            {
                int rec = best + 16 + (int)(12 * g);
                long start = U32(data, rec);
                long end = U32(data, rec + 4);
                long glyph = U32(data, rec + 8);
                for (long c = start; c <= end && c <= 0x10FFFF; c++)
                {
                    map[(int)c] = (int)(glyph + c - start);
                }
            }

            return map;
        }

        int segCount = U16(data, best + 6) / 2;
        int ends = best + 14;
        int starts = ends + 2 * segCount + 2;
        int deltas = starts + 2 * segCount;
        int rangeOffsets = deltas + 2 * segCount;
        for (int s = 0; s < segCount; s++)
        {
            int end = U16(data, ends + 2 * s);
            int start = U16(data, starts + 2 * s);
            int delta = (short)U16(data, deltas + 2 * s);
            int rangeOffsetAt = rangeOffsets + 2 * s;
            int rangeOffset = U16(data, rangeOffsetAt);
            for (int c = start; c <= end && c != 0xFFFF; c++)
            {
                int glyph;
                if (rangeOffset == 0)
                {
                    glyph = (c + delta) & 0xFFFF;
                }
                else
                {
                    int at = rangeOffsetAt + rangeOffset + 2 * (c - start);
                    glyph = U16(data, at);
                    if (glyph != 0)
                    {
                        glyph = (glyph + delta) & 0xFFFF;
                    }
                }

                if (glyph != 0)
                {
                    map[c] = glyph;
                }
            }
        }

        return map;
    }

    private static ushort U16(byte[] data, int at) => BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(at, 2));

    private static uint U32(byte[] data, int at) => BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(at, 4));
}
