using System.Buffers;
using System.Text;

namespace LoyaltyConsole.Sync.Csv;

/// <summary>
/// Splits a delimited text file into rows of fields, streaming: it holds one block of the file (64 KB) and the rows not yet
/// handed out, never the whole file. Handles a UTF-8 or UTF-16 byte-order mark, LF, CRLF and CR line
/// ends, quoted fields (a doubled quote inside is one quote; line breaks inside are kept), spaces around fields, blank
/// and all-empty rows (skipped), and, besides a single-character delimiter, whitespace-aligned columns, where a run of
/// spaces or tabs separates fields (CDNOW's files). Line numbers are physical lines of the file, starting at 1.
/// </summary>
/// <remarks>
/// Fill (or FillAsync) reads the next block; TryReadRow then hands out the rows wholly inside the buffer and returns
/// false when the next row needs more of the file, or when the file is done. The row it hands out is valid until the
/// next call.
/// </remarks>
internal sealed class CsvTokenizer : IDisposable
{
    /// <summary>The delimiter value meaning "a run of spaces or tabs".</summary>
    public const char Whitespace = '\0';

    private const int InitialBufferChars = 160 * 1024;
    private const int ReadBytes = 64 * 1024;
    private static readonly SearchValues<char> LineEnds = SearchValues.Create("\r\n");

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly byte[] _bytes = new byte[ReadBytes];
    private Decoder? _decoder;
    private int _maxChars;
    private bool _pastBom;
    private char[] _buffer = new char[InitialBufferChars];
    private int _start;
    private int _end;
    private bool _streamDone;
    private long _line = 1;
    private char _delimiter = ',';
    private SearchValues<char> _stops = SearchValues.Create(",\r\n");

    // Fields of the current row: start and length in the buffer, or in _scratch when the field had doubled quotes.
    private int[] _fieldStart = new int[32];
    private int[] _fieldLength = new int[32];
    private bool[] _fieldInScratch = new bool[32];
    private int _fieldCount;
    private char[] _scratch = new char[256];
    private int _scratchLength;
    private int _rowStart;
    private int _rowEnd;
    private int _mark = -1;
    private long _markLine;
    private long _markRows;
    private long _markBlank;

    public CsvTokenizer(Stream stream, bool leaveOpen = false)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        Row = new CsvRow(this);
    }

    /// <summary>The row TryReadRow last returned.</summary>
    public CsvRow Row { get; }

    /// <summary>Bytes read from the stream so far (the file's progress; the buffer runs up to 64 KB ahead of the rows).</summary>
    public long BytesRead { get; private set; }

    /// <summary>Rows handed out so far (blank rows are not counted).</summary>
    public long RowsRead { get; private set; }

    /// <summary>Blank and all-empty rows passed over.</summary>
    public long BlankRows { get; private set; }

    /// <summary>The field delimiter, or <see cref="Whitespace"/>.</summary>
    public char Delimiter
    {
        get => _delimiter;
        set
        {
            _delimiter = value;
            _stops = SearchValues.Create(value == Whitespace ? " \t\r\n" : value + "\r\n");
        }
    }

    public bool Completed => _streamDone && _start >= _end;

    /// <summary>What has been read but not yet handed out as rows: the text delimiter and header detection look at.</summary>
    public ReadOnlySpan<char> Pending => _buffer.AsSpan(_start, _end - _start);

    /// <summary>Reads the next block of the file; false once the file is done.</summary>
    public bool Fill()
    {
        if (_streamDone)
        {
            return false;
        }
        Compact();
        var read = _stream.Read(_bytes, 0, _bytes.Length);
        Decode(read);
        return true;
    }

    /// <inheritdoc cref="Fill"/>
    public async ValueTask<bool> FillAsync(CancellationToken ct)
    {
        if (_streamDone)
        {
            return false;
        }
        Compact();
        var read = await _stream.ReadAsync(_bytes.AsMemory(), ct);
        Decode(read);
        return true;
    }

    /// <summary>Reads until the buffer holds at least <paramref name="chars"/> characters or the file ends.</summary>
    public async ValueTask FillToAsync(int chars, CancellationToken ct)
    {
        while (_end - _start < chars && await FillAsync(ct))
        {
        }
    }

    /// <summary>
    /// The next row wholly in the buffer, skipping blank rows; false when the buffer holds no complete row (call Fill)
    /// or the file is done (<see cref="Completed"/>).
    /// </summary>
    public bool TryReadRow()
    {
        while (_start < _end)
        {
            var line = _line;
            var outcome = _delimiter == Whitespace ? ScanWhitespaceRow() : ScanDelimitedRow();
            if (outcome == Scan.NeedMore)
            {
                _line = line;
                return false;
            }
            if (outcome == Scan.Blank)
            {
                BlankRows++;
                continue;
            }
            Row.Line = line;
            RowsRead++;
            return true;
        }
        return false;
    }

    /// <summary>Keeps everything from the next row on in the buffer until <see cref="Rewind"/>, however many rows are read meanwhile.</summary>
    public void Mark()
    {
        _mark = _start;
        _markLine = _line;
        _markRows = RowsRead;
        _markBlank = BlankRows;
    }

    /// <summary>Goes back to the row <see cref="Mark"/> was called before: rows read since are read again.</summary>
    public void Rewind()
    {
        if (_mark < 0)
        {
            throw new InvalidOperationException("Rewind without Mark.");
        }
        _start = _mark;
        _line = _markLine;
        RowsRead = _markRows;
        BlankRows = _markBlank;
        _mark = -1;
    }

    /// <summary>Counts rows from here on: the header row is not a row of data.</summary>
    public void ResetCounts()
    {
        RowsRead = 0;
        BlankRows = 0;
    }

    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    internal ReadOnlySpan<char> Field(int index) =>
        _fieldInScratch[index]
            ? _scratch.AsSpan(_fieldStart[index], _fieldLength[index])
            : _buffer.AsSpan(_fieldStart[index], _fieldLength[index]);

    internal int FieldCount => _fieldCount;

    internal ReadOnlySpan<char> RowText => _buffer.AsSpan(_rowStart, _rowEnd - _rowStart);

    private enum Scan
    {
        Row,
        Blank,
        NeedMore,
    }

    private Scan ScanDelimitedRow()
    {
        var buffer = _buffer;
        var pos = _start;
        _fieldCount = 0;
        _scratchLength = 0;
        _rowStart = pos;
        var allEmpty = true;
        while (true)
        {
            // Leading spaces of a field are not part of it (a tab is, where it is the delimiter).
            while (pos < _end && (buffer[pos] == ' ' || (buffer[pos] == '\t' && _delimiter != '\t')))
            {
                pos++;
            }
            if (pos == _end && !_streamDone)
            {
                return Scan.NeedMore;
            }
            int fieldStart, fieldLength;
            var inScratch = false;
            if (pos < _end && buffer[pos] == '"')
            {
                var quoted = ScanQuoted(pos + 1);
                if (quoted < 0)
                {
                    return Scan.NeedMore;
                }
                (fieldStart, fieldLength, inScratch) = (_quotedStart, _quotedLength, _quotedInScratch);
                pos = quoted;
                // Text after the closing quote (malformed, but common: "12" inches) stays part of the field.
                var rest = pos;
                var stop = buffer.AsSpan(rest, _end - rest).IndexOfAny(_stops);
                if (stop < 0 && !_streamDone)
                {
                    return Scan.NeedMore;
                }
                var restEnd = stop < 0 ? _end : rest + stop;
                var tail = buffer.AsSpan(rest, restEnd - rest).TrimEnd(' ');
                if (!tail.IsEmpty)
                {
                    var value = (inScratch ? _scratch.AsSpan(fieldStart, fieldLength) : buffer.AsSpan(fieldStart, fieldLength)).ToString() + tail.ToString();
                    (fieldStart, fieldLength) = AppendScratch(value);
                    inScratch = true;
                }
                pos = restEnd;
                allEmpty &= fieldLength == 0;
            }
            else
            {
                var stop = buffer.AsSpan(pos, _end - pos).IndexOfAny(_stops);
                if (stop < 0 && !_streamDone)
                {
                    return Scan.NeedMore;
                }
                var fieldEnd = stop < 0 ? _end : pos + stop;
                fieldStart = pos;
                fieldLength = buffer.AsSpan(pos, fieldEnd - pos).TrimEnd(' ').Length;
                if (_delimiter != '\t')
                {
                    fieldLength = buffer.AsSpan(pos, fieldLength).TrimEnd('\t').Length;
                }
                allEmpty &= fieldLength == 0;
                pos = fieldEnd;
            }
            AddField(fieldStart, fieldLength, inScratch);

            if (pos >= _end)
            {
                // The file's last row, without a line end.
                return EndRow(pos, pos, allEmpty);
            }
            var c = buffer[pos];
            if (c == _delimiter)
            {
                pos++;
                continue;
            }
            return LineEnd(pos, allEmpty);
        }
    }

    private Scan ScanWhitespaceRow()
    {
        var buffer = _buffer;
        var pos = _start;
        _fieldCount = 0;
        _scratchLength = 0;
        _rowStart = pos;
        while (true)
        {
            while (pos < _end && (buffer[pos] == ' ' || buffer[pos] == '\t'))
            {
                pos++;
            }
            if (pos == _end)
            {
                if (!_streamDone)
                {
                    return Scan.NeedMore;
                }
                return EndRow(pos, pos, _fieldCount == 0);
            }
            var c = buffer[pos];
            if (c is '\r' or '\n')
            {
                return LineEnd(pos, _fieldCount == 0);
            }
            if (c == '"')
            {
                var quoted = ScanQuoted(pos + 1);
                if (quoted < 0)
                {
                    return Scan.NeedMore;
                }
                AddField(_quotedStart, _quotedLength, _quotedInScratch);
                pos = quoted;
                continue;
            }
            var stop = buffer.AsSpan(pos, _end - pos).IndexOfAny(_stops);
            if (stop < 0 && !_streamDone)
            {
                return Scan.NeedMore;
            }
            var fieldEnd = stop < 0 ? _end : pos + stop;
            AddField(pos, fieldEnd - pos, false);
            pos = fieldEnd;
        }
    }

    private int _quotedStart;
    private int _quotedLength;
    private bool _quotedInScratch;

    /// <summary>Reads a quoted field's content from just after its opening quote; the position after the closing quote, or -1 for more data.</summary>
    private int ScanQuoted(int contentStart)
    {
        var buffer = _buffer;
        var pos = contentStart;
        var escaped = false;
        long newlines = 0;
        while (true)
        {
            var quote = buffer.AsSpan(pos, _end - pos).IndexOf('"');
            if (quote < 0)
            {
                if (!_streamDone)
                {
                    return -1;
                }
                // An unclosed quote runs to the end of the file: keep what there is rather than lose the row.
                newlines += CountLines(buffer.AsSpan(pos, _end - pos));
                quote = _end - pos;
                _line += newlines;
                return FinishQuoted(contentStart, pos + quote, escaped, _end);
            }
            newlines += CountLines(buffer.AsSpan(pos, quote));
            pos += quote;
            if (pos + 1 >= _end && !_streamDone)
            {
                return -1;
            }
            if (pos + 1 < _end && buffer[pos + 1] == '"')
            {
                escaped = true;
                pos += 2;
                continue;
            }
            _line += newlines;
            return FinishQuoted(contentStart, pos, escaped, pos + 1);
        }
    }

    private int FinishQuoted(int contentStart, int contentEnd, bool escaped, int next)
    {
        if (!escaped)
        {
            (_quotedStart, _quotedLength, _quotedInScratch) = (contentStart, contentEnd - contentStart, false);
            return next;
        }
        var value = _buffer.AsSpan(contentStart, contentEnd - contentStart).ToString().Replace("\"\"", "\"", StringComparison.Ordinal);
        (_quotedStart, _quotedLength) = AppendScratch(value);
        _quotedInScratch = true;
        return next;
    }

    private (int Start, int Length) AppendScratch(string value)
    {
        if (_scratchLength + value.Length > _scratch.Length)
        {
            Array.Resize(ref _scratch, Math.Max(_scratch.Length * 2, _scratchLength + value.Length));
        }
        value.CopyTo(_scratch.AsSpan(_scratchLength));
        var start = _scratchLength;
        _scratchLength += value.Length;
        return (start, value.Length);
    }

    private static int CountLines(ReadOnlySpan<char> text)
    {
        // A CRLF is one line end; a lone CR or LF is one too.
        var lines = 0;
        for (var i = text.IndexOfAny(LineEnds); i >= 0 && i < text.Length; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')))
            {
                lines++;
            }
        }
        return lines;
    }

    private Scan LineEnd(int pos, bool blank)
    {
        var next = pos + 1;
        if (_buffer[pos] == '\r')
        {
            if (next >= _end && !_streamDone)
            {
                return Scan.NeedMore;
            }
            if (next < _end && _buffer[next] == '\n')
            {
                next++;
            }
        }
        return EndRow(pos, next, blank);
    }

    private Scan EndRow(int rowEnd, int next, bool blank)
    {
        _rowEnd = rowEnd;
        _start = next;
        if (next > rowEnd)
        {
            _line++;
        }
        return blank ? Scan.Blank : Scan.Row;
    }

    private void AddField(int start, int length, bool inScratch)
    {
        if (_fieldCount == _fieldStart.Length)
        {
            Array.Resize(ref _fieldStart, _fieldCount * 2);
            Array.Resize(ref _fieldLength, _fieldCount * 2);
            Array.Resize(ref _fieldInScratch, _fieldCount * 2);
        }
        _fieldStart[_fieldCount] = start;
        _fieldLength[_fieldCount] = length;
        _fieldInScratch[_fieldCount] = inScratch;
        _fieldCount++;
    }

    private void Compact()
    {
        var keep = _mark >= 0 ? _mark : _start;
        var pending = _end - keep;
        if (keep > 0)
        {
            _buffer.AsSpan(keep, pending).CopyTo(_buffer);
        }
        _start -= keep;
        _end = pending;
        if (_mark >= 0)
        {
            _mark = 0;
        }
    }

    private void Decode(int read)
    {
        BytesRead += read;
        var bytes = _bytes.AsSpan(0, read);
        if (_decoder is null)
        {
            var (encoding, preamble) = DetectEncoding(bytes);
            _decoder = encoding.GetDecoder();
            _maxChars = encoding.GetMaxCharCount(_bytes.Length);
            bytes = bytes[preamble..];
        }
        if (_buffer.Length - _end < _maxChars)
        {
            // Room for a whole block: a row longer than the buffer grows it rather than being split.
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _end + _maxChars));
        }
        var flush = read == 0;
        _end += _decoder.GetChars(bytes, _buffer.AsSpan(_end), flush);
        _streamDone = read == 0;
        if (!_pastBom && _end > _start)
        {
            // A UTF-8 mark that arrived split over reads decodes to U+FEFF: not part of the first header.
            _pastBom = true;
            if (_buffer[_start] == '\uFEFF')
            {
                _start++;
            }
        }
    }

    private static (Encoding Encoding, int Preamble) DetectEncoding(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0xEF, 0xBB, 0xBF, ..] => (new UTF8Encoding(false), 3),
        [0xFF, 0xFE, ..] => (new UnicodeEncoding(false, false), 2),
        [0xFE, 0xFF, ..] => (new UnicodeEncoding(true, false), 2),
        _ => (new UTF8Encoding(false), 0),
    };
}

/// <summary>One row of the file, valid until the tokenizer reads the next one.</summary>
internal sealed class CsvRow(CsvTokenizer tokenizer)
{
    /// <summary>The file's line the row starts on.</summary>
    public long Line { get; internal set; }

    public int Count => tokenizer.FieldCount;

    /// <summary>The field, trimmed and unquoted; empty when the row has fewer fields.</summary>
    public ReadOnlySpan<char> this[int index] => index >= 0 && index < tokenizer.FieldCount ? tokenizer.Field(index) : [];

    /// <summary>The row as the file has it, shortened to 500 characters, for an issue report.</summary>
    public string Raw()
    {
        var text = tokenizer.RowText;
        return text.Length <= 500 ? text.ToString() : string.Concat(text[..500], "…");
    }

    public string[] ToArray()
    {
        var cells = new string[Count];
        for (var i = 0; i < cells.Length; i++)
        {
            cells[i] = this[i].ToString();
        }
        return cells;
    }
}
