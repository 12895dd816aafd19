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

// srgb() is only ever applied to constants here, so the compiler folds it: a software
// rasteriser runs every branch for every vertex, and a pow per branch added up.
vec3 material_color(int m, float seed) {
    float h1 = hash1(seed), h2 = hash1(seed + 7.0), h3 = hash1(seed + 13.0);
    if (m == 0) { // greyish, sickly skin
        return mix(srgb(vec3(0.62, 0.60, 0.55)), srgb(vec3(0.50, 0.52, 0.50)), h1);
    }
    if (m == 1) { // shirt: mostly white school shirts, some grey, a few bloodied
        const vec3 blood = vec3(0.45, 0.06, 0.05);
        const vec3 white = vec3(0.86, 0.86, 0.84), grey = vec3(0.55, 0.56, 0.58);
        if (h3 < 0.25) return h2 < 0.7 ? srgb(mix(white, blood, 0.45)) : srgb(mix(grey, blood, 0.45));
        return h2 < 0.7 ? srgb(white) : srgb(grey);
    }
    if (m == 2) { // trousers / skirts: navy or charcoal
        return h1 < 0.55 ? srgb(vec3(0.10, 0.12, 0.22)) : srgb(vec3(0.20, 0.20, 0.22));
    }
    if (m == 3) return srgb(vec3(0.08, 0.08, 0.09));
    if (m == 4) return mix(srgb(vec3(0.05, 0.045, 0.04)), srgb(vec3(0.10, 0.095, 0.09)), h3);
    // uniform jacket: dark navy blazer, grey cardigan, or shirt-sleeves
    if (h2 < 0.45) return srgb(vec3(0.10, 0.13, 0.24));
    if (h2 < 0.7) return srgb(vec3(0.36, 0.37, 0.40));
    return h3 < 0.5 ? srgb(vec3(0.86, 0.86, 0.84)) : srgb(vec3(0.55, 0.56, 0.58));
}



// The card figure's capsule radii, metres (horde_card.frag tests them, horde_card.vert
// sizes the card to them; the torso's half-width is per figure, in v_frame.z).
const float CARD_HEAD_R = 0.115, CARD_ARM_R = 0.06, CARD_LEG_R = 0.075;

// Behaviour states (sandbox/crowd STATES; the third instance texel's x) and the human kind
// (KINDS; its y). Humans and the turning (bitten) walk upright without the zombie reach.
const int ST_IDLE = 0, ST_WANDER = 1, ST_LURED = 2, ST_CHASE = 3, ST_ATTACK = 4,
          ST_FLEE = 5, ST_TURNING = 6, ST_KNOCKED = 7, ST_DEAD = 8;
const int KIND_HUMAN = 3;

// One state's gait, shared by the figures (horde.vert) and the cards (horde_card.vert):
// angles in radians. stride: thigh swing amplitude; knee: knee bend on the back swing;
// lean: upper body pitched forward at the hip; arm: arm angle forward from hanging;
// arm_swing: arm swing against the legs; jerk: the zombie arms' twitch amplitude;
// bob: vertical bounce (metres); stance: legs held apart front/back (attack).
struct Gait { float stride, knee, lean, arm, arm_swing, jerk, bob, stance; };

bool upright_human(int st, int kind) { return kind == KIND_HUMAN || st == ST_TURNING; }
bool lying(int st) { return st == ST_KNOCKED || st == ST_DEAD; }

// The attack's quick repeating snap, 0..1 (sharp peaks, about 2.2 per second).
float attack_snap(float t, float r) { return pow(abs(sin(t * 7.0 + r * 6.28)), 6.0); }

Gait gait(int st, int kind, float ph, float t, float r1, float r2) {
    float s = sin(ph);
    if (upright_human(st, kind)) {   // a human walk (a run when fleeing), arms at the sides
        bool run = st == ST_FLEE;
        return Gait(run ? 0.7 : 0.42, run ? 1.3 : 0.5, run ? 0.18 : 0.04, run ? 0.35 : 0.05,
                    run ? 0.8 : 0.45, 0.0, run ? 0.06 : 0.025, 0.0);
    }
    if (st == ST_ATTACK) {           // planted stance, torso thrown forward, arms thrust
        float k = attack_snap(t, r1);
        return Gait(0.0, 0.35, 0.55 + 0.3 * k, 1.45 + 0.35 * k, 0.0, 0.06, 0.0, 0.32);
    }
    if (st <= ST_WANDER) {           // slow shamble: short dragging steps, arms low, sway
        float sway = 0.05 * sin(t * 1.3 + r2 * 6.28);
        return Gait(0.3, 0.45, 0.12 + sway, 0.35 + 0.25 * r1, 0.15, 0.08, 0.02, 0.0);
    }
    // lured / chase (and any other): today's fast, jerky sprint
    return Gait(0.75, 1.1, 0.32 + 0.05 * sin(ph * 2.0), 1.25 + r1 * 0.3, 0.3, 0.12, 0.06, 0.0);
}

// A lying figure's seeded variation: x = +1 on its back (fell backwards, head behind the
// feet along the heading) / -1 face down; y = yaw offset from the heading (radians).
// Knocked agents are thrown on their backs.
vec2 lying_pose(int st, float r1, float r2) {
    float face_up = st == ST_KNOCKED || r1 < 0.55 ? 1.0 : -1.0;
    return vec2(face_up, (r2 - 0.5) * 1.2);
}

// The living keep a warm skin (zombies get material_color(0)'s grey).
vec3 human_skin(float seed) {
    return mix(srgb(vec3(0.86, 0.68, 0.56)), srgb(vec3(0.70, 0.52, 0.40)), hash1(seed + 17.0));
}
