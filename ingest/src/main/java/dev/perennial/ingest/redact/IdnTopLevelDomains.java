package dev.perennial.ingest.redact;

import java.util.List;

/**
 * Top-level domains in letters other than Latin that an obfuscated or spelled address may end with
 * ({@code jane [at] пример [dot] рф}): the internationalised country-code domains in the root zone
 * and the most used generic ones. A list, as {@link Emails}' Latin ones are, rather than any word
 * of a script: an obfuscated address is recognised by a top-level domain that prose does not end a
 * phrase with.
 */
final class IdnTopLevelDomains {

  static final List<String> NAMES =
      List.of(
          // Cyrillic
          "рф",
          "рус",
          "москва",
          "бел",
          "укр",
          "срб",
          "мкд",
          "мон",
          "қаз",
          "бг",
          "ею",
          "онлайн",
          "сайт",
          "орг",
          "ком",
          "дети",
          "католик",
          // Greek
          "ελ",
          "ευ",
          // Chinese, Japanese, Korean
          "中国",
          "中國",
          "香港",
          "台湾",
          "台灣",
          "澳门",
          "澳門",
          "新加坡",
          "公司",
          "网络",
          "網絡",
          "网址",
          "在线",
          "中文网",
          "广告",
          "移动",
          "商城",
          "商店",
          "集团",
          "我爱你",
          "游戏",
          "企业",
          "信息",
          "手机",
          "政务",
          "公益",
          "みんな",
          "コム",
          "한국",
          "닷컴",
          "닷넷",
          // South and South-East Asia
          "भारत",
          "भारतम्",
          "भारोत",
          "ভারত",
          "ভাৰত",
          "இந்தியா",
          "இலங்கை",
          "சிங்கப்பூர்",
          "ලංකා",
          "భారత్",
          "ಭಾರತ",
          "ഭാരതം",
          "ભારત",
          "ਭਾਰਤ",
          "ଭାରତ",
          "ไทย",
          // Caucasus
          "გე",
          "հայ",
          // Hebrew, Arabic, Persian, Urdu
          "ישראל",
          "קום",
          "مصر",
          "السعودية",
          "امارات",
          "ایران",
          "قطر",
          "الاردن",
          "الجزائر",
          "المغرب",
          "تونس",
          "سودان",
          "سورية",
          "فلسطين",
          "البحرين",
          "موريتانيا",
          "پاکستان",
          "بھارت",
          "عراق",
          "عمان",
          "مليسيا",
          "شبكة",
          "موقع",
          "كوم",
          "عرب");

  private IdnTopLevelDomains() {}
}
