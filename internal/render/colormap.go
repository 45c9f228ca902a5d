package render

import "math"

// viridis returns the viridis colormap at t in [0, 1] as linear RGB in
// [0, 1], from the degree-6 polynomial fit of Matt Zucker
// (shadertoy.com/view/WlfXRN), within about 1% of the matplotlib table.
func viridis(t float64) [3]float64 {
	t = math.Min(math.Max(t, 0), 1)
	c := [7][3]float64{
		{0.2777273272234177, 0.005407344544966578, 0.3340998053353061},
		{0.1050930431085774, 1.404613529898575, 1.384590162594685},
		{-0.3308618287255563, 0.214847559468213, 0.09509516302823659},
		{-4.634230498983486, -5.799100973351585, -19.33244095627987},
		{6.228269936347081, 14.17993336680509, 56.69055260068105},
		{4.776384997670288, -13.74514537774601, -65.35303263337234},
		{-5.435455855934631, 4.645852612178535, 26.3124352495832},
	}
	var rgb [3]float64
	for k := 0; k < 3; k++ {
		v := c[6][k]
		for d := 5; d >= 0; d-- {
			v = c[d][k] + t*v
		}
		rgb[k] = math.Min(math.Max(v, 0), 1)
	}
	return rgb
}

// categorical is Tableau's 10-colour palette, for components by size rank.
var categorical = [10][3]uint8{
	{31, 119, 180}, {255, 127, 14}, {44, 160, 44}, {214, 39, 40}, {148, 103, 189},
	{140, 86, 75}, {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207},
}
