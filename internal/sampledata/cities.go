package sampledata

// city is a real place where synthetic hotels are located.
type city struct {
	name     string // the hotel's Location; ASCII spelling, so filters are easy to type
	zone     string // IANA time zone
	currency string // ISO 4217 code
	// scale converts the reference price range (60–600, roughly pounds, euros
	// or dollars) into plausible amounts of the local currency.
	scale int64
	south bool // southern hemisphere: high season is December to February
}

// cities spans many time zones, from UTC−11 (Pago Pago) to UTC+14
// (Kiritimati), including half- and three-quarter-hour offsets.
var cities = [...]city{
	// Europe
	{"London", "Europe/London", "GBP", 1, false},
	{"Edinburgh", "Europe/London", "GBP", 1, false},
	{"Manchester", "Europe/London", "GBP", 1, false},
	{"Dublin", "Europe/Dublin", "EUR", 1, false},
	{"Paris", "Europe/Paris", "EUR", 1, false},
	{"Nice", "Europe/Paris", "EUR", 1, false},
	{"Lisbon", "Europe/Lisbon", "EUR", 1, false},
	{"Porto", "Europe/Lisbon", "EUR", 1, false},
	{"Ponta Delgada", "Atlantic/Azores", "EUR", 1, false},
	{"Madrid", "Europe/Madrid", "EUR", 1, false},
	{"Barcelona", "Europe/Madrid", "EUR", 1, false},
	{"Las Palmas", "Atlantic/Canary", "EUR", 1, false},
	{"Rome", "Europe/Rome", "EUR", 1, false},
	{"Florence", "Europe/Rome", "EUR", 1, false},
	{"Venice", "Europe/Rome", "EUR", 1, false},
	{"Berlin", "Europe/Berlin", "EUR", 1, false},
	{"Munich", "Europe/Berlin", "EUR", 1, false},
	{"Amsterdam", "Europe/Amsterdam", "EUR", 1, false},
	{"Brussels", "Europe/Brussels", "EUR", 1, false},
	{"Vienna", "Europe/Vienna", "EUR", 1, false},
	{"Zurich", "Europe/Zurich", "CHF", 1, false},
	{"Geneva", "Europe/Zurich", "CHF", 1, false},
	{"Copenhagen", "Europe/Copenhagen", "DKK", 7, false},
	{"Stockholm", "Europe/Stockholm", "SEK", 11, false},
	{"Oslo", "Europe/Oslo", "NOK", 11, false},
	{"Helsinki", "Europe/Helsinki", "EUR", 1, false},
	{"Reykjavik", "Atlantic/Reykjavik", "ISK", 140, false},
	{"Prague", "Europe/Prague", "CZK", 25, false},
	{"Warsaw", "Europe/Warsaw", "PLN", 4, false},
	{"Budapest", "Europe/Budapest", "HUF", 400, false},
	{"Athens", "Europe/Athens", "EUR", 1, false},
	{"Istanbul", "Europe/Istanbul", "TRY", 40, false},

	// Middle East, Africa and the Indian Ocean
	{"Dubai", "Asia/Dubai", "AED", 4, false},
	{"Doha", "Asia/Qatar", "QAR", 4, false},
	{"Tel Aviv", "Asia/Jerusalem", "ILS", 4, false},
	{"Cairo", "Africa/Cairo", "EGP", 50, false},
	{"Marrakesh", "Africa/Casablanca", "MAD", 10, false},
	{"Accra", "Africa/Accra", "GHS", 15, false},
	{"Lagos", "Africa/Lagos", "NGN", 1500, false},
	{"Nairobi", "Africa/Nairobi", "KES", 130, true},
	{"Cape Town", "Africa/Johannesburg", "ZAR", 20, true},
	{"Johannesburg", "Africa/Johannesburg", "ZAR", 20, true},
	{"Port Louis", "Indian/Mauritius", "MUR", 45, true},
	{"Male", "Indian/Maldives", "MVR", 15, false},

	// Asia
	{"Almaty", "Asia/Almaty", "KZT", 500, false},
	{"Mumbai", "Asia/Kolkata", "INR", 90, false},
	{"New Delhi", "Asia/Kolkata", "INR", 90, false},
	{"Colombo", "Asia/Colombo", "LKR", 300, false},
	{"Kathmandu", "Asia/Kathmandu", "NPR", 140, false},
	{"Yangon", "Asia/Yangon", "MMK", 2000, false},
	{"Bangkok", "Asia/Bangkok", "THB", 35, false},
	{"Phuket", "Asia/Bangkok", "THB", 35, false},
	{"Ho Chi Minh City", "Asia/Ho_Chi_Minh", "VND", 25000, false},
	{"Kuala Lumpur", "Asia/Kuala_Lumpur", "MYR", 5, false},
	{"Singapore", "Asia/Singapore", "SGD", 1, false},
	{"Jakarta", "Asia/Jakarta", "IDR", 16000, true},
	{"Denpasar", "Asia/Makassar", "IDR", 16000, true},
	{"Manila", "Asia/Manila", "PHP", 55, false},
	{"Hong Kong", "Asia/Hong_Kong", "HKD", 8, false},
	{"Shanghai", "Asia/Shanghai", "CNY", 7, false},
	{"Beijing", "Asia/Shanghai", "CNY", 7, false},
	{"Taipei", "Asia/Taipei", "TWD", 30, false},
	{"Seoul", "Asia/Seoul", "KRW", 1300, false},
	{"Tokyo", "Asia/Tokyo", "JPY", 150, false},
	{"Osaka", "Asia/Tokyo", "JPY", 150, false},
	{"Kyoto", "Asia/Tokyo", "JPY", 150, false},

	// Oceania and the Pacific
	{"Perth", "Australia/Perth", "AUD", 2, true},
	{"Adelaide", "Australia/Adelaide", "AUD", 2, true},
	{"Melbourne", "Australia/Melbourne", "AUD", 2, true},
	{"Sydney", "Australia/Sydney", "AUD", 2, true},
	{"Auckland", "Pacific/Auckland", "NZD", 2, true},
	{"Queenstown", "Pacific/Auckland", "NZD", 2, true},
	{"Suva", "Pacific/Fiji", "FJD", 2, true},
	{"Apia", "Pacific/Apia", "WST", 3, true},
	{"Kiritimati", "Pacific/Kiritimati", "AUD", 2, false},
	{"Papeete", "Pacific/Tahiti", "XPF", 110, true},
	{"Honolulu", "Pacific/Honolulu", "USD", 1, false},
	{"Pago Pago", "Pacific/Pago_Pago", "USD", 1, true},

	// The Americas
	{"Anchorage", "America/Anchorage", "USD", 1, false},
	{"Seattle", "America/Los_Angeles", "USD", 1, false},
	{"San Francisco", "America/Los_Angeles", "USD", 1, false},
	{"Los Angeles", "America/Los_Angeles", "USD", 1, false},
	{"Las Vegas", "America/Los_Angeles", "USD", 1, false},
	{"Vancouver", "America/Vancouver", "CAD", 2, false},
	{"Phoenix", "America/Phoenix", "USD", 1, false},
	{"Denver", "America/Denver", "USD", 1, false},
	{"Chicago", "America/Chicago", "USD", 1, false},
	{"New Orleans", "America/Chicago", "USD", 1, false},
	{"Mexico City", "America/Mexico_City", "MXN", 18, false},
	{"Cancun", "America/Cancun", "MXN", 18, false},
	{"New York", "America/New_York", "USD", 1, false},
	{"Boston", "America/New_York", "USD", 1, false},
	{"Miami", "America/New_York", "USD", 1, false},
	{"Toronto", "America/Toronto", "CAD", 2, false},
	{"Montreal", "America/Toronto", "CAD", 2, false},
	{"Halifax", "America/Halifax", "CAD", 2, false},
	{"St. John's", "America/St_Johns", "CAD", 2, false},
	{"Nassau", "America/Nassau", "BSD", 1, false},
	{"Havana", "America/Havana", "CUP", 25, false},
	{"Kingston", "America/Jamaica", "JMD", 150, false},
	{"Bridgetown", "America/Barbados", "BBD", 2, false},
	{"San Jose", "America/Costa_Rica", "CRC", 500, false},
	{"Panama City", "America/Panama", "USD", 1, false},
	{"Bogota", "America/Bogota", "COP", 4000, false},
	{"Cartagena", "America/Bogota", "COP", 4000, false},
	{"Quito", "America/Guayaquil", "USD", 1, true},
	{"Lima", "America/Lima", "PEN", 4, true},
	{"Cusco", "America/Lima", "PEN", 4, true},
	{"Santiago", "America/Santiago", "CLP", 900, true},
	{"Buenos Aires", "America/Argentina/Buenos_Aires", "ARS", 1000, true},
	{"Ushuaia", "America/Argentina/Ushuaia", "ARS", 1000, true},
	{"Montevideo", "America/Montevideo", "UYU", 40, true},
	{"Sao Paulo", "America/Sao_Paulo", "BRL", 5, true},
	{"Rio de Janeiro", "America/Sao_Paulo", "BRL", 5, true},
}

// zeroDecimal lists the currencies of cities whose ISO 4217 minor unit is
// 0: their prices are whole units.
var zeroDecimal = map[string]bool{
	"ISK": true, "JPY": true, "KRW": true, "VND": true, "XPF": true, "CLP": true,
}
