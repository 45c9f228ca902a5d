package messaging

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// TestIndexAgainstMap drives idIndex and a Go map with the same seeded
// inserts (fresh and duplicate), lookups and removes, of random IDs and of
// prefix-and-counter IDs as middleware makes them, through growth and
// back down, and requires the same answers and size after every step.
func TestIndexAgainstMap(t *testing.T) {
	for _, counter := range []bool{false, true} {
		for seed := uint64(1); seed <= 3; seed++ {
			rng := rand.New(rand.NewPCG(seed, 3))
			var s slab = newSlab()
			var x idIndex
			m := make(map[ID]int32)
			var ids []ID
			next := uint32(0)
			newID := func() ID {
				var id ID
				if counter {
					copy(id[:12], "prefix-12byt")
					next++
					binary.BigEndian.PutUint32(id[12:], next)
					return id
				}
				binary.LittleEndian.PutUint64(id[:8], rng.Uint64())
				binary.LittleEndian.PutUint64(id[8:], rng.Uint64())
				return id
			}
			for step := range 60000 {
				grow := step < 30000
				switch r := rng.IntN(10); {
				case r < 4 || (grow && r < 7): // insert
					id := newID()
					if len(ids) > 0 && rng.IntN(10) == 0 {
						id = ids[rng.IntN(len(ids))] // maybe a duplicate
					}
					i := s.alloc()
					_, dup := m[id]
					if x.insert(&id, i, &s) == dup {
						t.Fatalf("step %d: insert of %v: dup %v", step, id, dup)
					}
					if dup {
						s.release(i)
						continue
					}
					s.at(i).id = id
					m[id] = i
					ids = append(ids, id)
				case r < 7 && len(ids) > 0: // remove
					k := rng.IntN(len(ids))
					id := ids[k]
					ids[k] = ids[len(ids)-1]
					ids = ids[:len(ids)-1]
					x.remove(&id, &s)
					s.release(m[id])
					delete(m, id)
				default: // look up one present and one absent
					if len(ids) > 0 {
						id := ids[rng.IntN(len(ids))]
						if i, ok := x.get(&id, &s); !ok || i != m[id] {
							t.Fatalf("step %d: get %v = %d %v, want %d", step, id, i, ok, m[id])
						}
					}
					absent := newID()
					if _, ok := x.get(&absent, &s); ok != hasKey(m, absent) {
						t.Fatalf("step %d: get of absent %v found", step, absent)
					}
				}
				if x.len() != len(m) {
					t.Fatalf("step %d: len %d, want %d", step, x.len(), len(m))
				}
			}
			// Every remaining ID is found, through every slot.
			seen := 0
			x.each(func(int32) { seen++ })
			if seen != len(m) {
				t.Fatalf("each saw %d, want %d", seen, len(m))
			}
			for id, i := range m {
				if got, ok := x.get(&id, &s); !ok || got != i {
					t.Fatalf("end: get %v = %d %v, want %d", id, got, ok, i)
				}
			}
		}
	}
}

func hasKey(m map[ID]int32, id ID) bool { _, ok := m[id]; return ok }
