// Shared by the horde's levels of detail (horde.vert/.frag, horde_card.vert/.frag):
// per-agent colours from the tint seed, and the screen-door cross-fade.
//
// Cross-fade: an agent inside a fade band is drawn by two levels. Each draw carries
// (fade, side): side 0 keeps the pixels whose 4x4 ordered-dither threshold t is < fade,
// side 1 keeps those with t >= 1 - fade. The near level gets (w, 0), the far level
// (1 - w, 1): the two draws cover complementary pixel sets, so the switch never doubles
// or drops a pixel. Outside a band the one level gets (1, 0) and keeps every pixel.

float hash1(float x) { return fract(sin(x * 127.1 + 311.7) * 43758.5453); }

vec3 srgb(vec3 c) { return pow(c, vec3(2.2)); }

float dither_threshold(vec2 frag) {
    const float m[16] = float[16](0.0, 8.0, 2.0, 10.0, 12.0, 4.0, 14.0, 6.0,
                                  3.0, 11.0, 1.0, 9.0, 15.0, 7.0, 13.0, 5.0);
    ivec2 p = ivec2(frag) & 3;
    return (m[p.y * 4 + p.x] + 0.5) / 16.0;
}

bool faded_out(vec2 fade, vec2 frag) {
    float t = dither_threshold(frag);
    return fade.y < 0.5 ? t >= fade.x : t < 1.0 - fade.x;
}

vec3 material_color(int m, float seed) {
    float h1 = hash1(seed), h2 = hash1(seed + 7.0), h3 = hash1(seed + 13.0);
    if (m == 0) { // greyish, sickly skin
        return srgb(mix(vec3(0.62, 0.60, 0.55), vec3(0.50, 0.52, 0.50), h1));
    }
    if (m == 1) { // shirt: mostly white school shirts, some grey, a few bloodied
        vec3 c = h2 < 0.7 ? vec3(0.86, 0.86, 0.84) : vec3(0.55, 0.56, 0.58);
        if (h3 < 0.25) c = mix(c, vec3(0.45, 0.06, 0.05), 0.45);
        return srgb(c);
    }
    if (m == 2) { // trousers / skirts: navy or charcoal
        return srgb(h1 < 0.55 ? vec3(0.10, 0.12, 0.22) : vec3(0.20, 0.20, 0.22));
    }
    if (m == 3) return srgb(vec3(0.08, 0.08, 0.09));
    if (m == 4) return srgb(vec3(0.05, 0.045, 0.04) + h3 * 0.05);
    // uniform jacket: dark navy blazer, grey cardigan, or shirt-sleeves
    if (h2 < 0.45) return srgb(vec3(0.10, 0.13, 0.24));
    if (h2 < 0.7) return srgb(vec3(0.36, 0.37, 0.40));
    return srgb(h3 < 0.5 ? vec3(0.86, 0.86, 0.84) : vec3(0.55, 0.56, 0.58));
}


