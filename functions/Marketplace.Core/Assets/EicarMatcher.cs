using System.Text;

namespace Marketplace.Core.Assets;

/// <summary>
/// Finds the EICAR anti-virus test string anywhere in a stream of chunks, including across chunk boundaries,
/// without holding more than the string's length of earlier bytes.
/// </summary>
public sealed class EicarMatcher
{
    // The industry's harmless test signature, kept in two halves so this source file is not itself "infected".
    private static readonly byte[] Signature = Encoding.ASCII.GetBytes(@"X5O!P%@AP[4\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");

    private readonly byte[] _carry = new byte[Signature.Length - 1];
    private int _carried;

    public static int SignatureLength => Signature.Length;

    public bool Found { get; private set; }

    public void Feed(ReadOnlySpan<byte> chunk)
    {
        if (Found || chunk.IsEmpty) return;
        // An occurrence that starts in the carried tail ends within the first Length-1 bytes of this chunk.
        if (_carried > 0)
        {
            var head = chunk[..Math.Min(chunk.Length, _carry.Length)];
            Span<byte> joined = stackalloc byte[_carried + head.Length];
            _carry.AsSpan(0, _carried).CopyTo(joined);
            head.CopyTo(joined[_carried..]);
            if (joined.IndexOf(Signature) >= 0) { Found = true; return; }
        }
        if (chunk.IndexOf(Signature) >= 0) { Found = true; return; }

        if (chunk.Length >= _carry.Length)
        {
            chunk[^_carry.Length..].CopyTo(_carry);
            _carried = _carry.Length;
        }
        else
        {
            var keep = Math.Min(_carried, _carry.Length - chunk.Length);
            _carry.AsSpan(_carried - keep, keep).CopyTo(_carry);
            chunk.CopyTo(_carry.AsSpan(keep));
            _carried = keep + chunk.Length;
        }
    }

    public void Reset()
    {
        Found = false;
        _carried = 0;
    }
}
