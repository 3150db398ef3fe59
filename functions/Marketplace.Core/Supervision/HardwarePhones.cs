namespace Marketplace.Core.Supervision;

/// <summary>
/// §6.5 #4 (public hardware rules, P44/P45): the platform auto-accepts 10 days after the courier sign-off only when
/// the phone on the courier record matches the phone given with the order; otherwise the seller reminds the buyer.
/// </summary>
public static class HardwarePhones
{
    /// <summary>Digits only, without a leading +86 / 0086 / 86 in front of an 11-digit mainland number.</summary>
    public static string Normalize(string? phone)
    {
        var digits = new string((phone ?? "").Where(char.IsAsciiDigit).ToArray());
        foreach (var prefix in (ReadOnlySpan<string>)["0086", "86"])
        {
            if (digits.Length == prefix.Length + 11 && digits.StartsWith(prefix, StringComparison.Ordinal))
                return digits[prefix.Length..];
        }
        return digits;
    }

    /// <summary>
    /// The courier's phone (the signer's phone when the sign-off carries one, else the recipient phone of the
    /// shipment) equals the order's phone.
    /// </summary>
    public static bool Match(SupervisionCase state)
    {
        var order = Normalize(state.OrderPhone);
        var tracked = Normalize(state.Logistics?.SignerPhone ?? state.Logistics?.RecipientPhone);
        return order.Length > 0 && order == tracked;
    }
}
